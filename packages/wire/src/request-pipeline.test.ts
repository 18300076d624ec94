// Unit tests of our request bookkeeping, without a session: queueing, sending in one buffer up to a
// limit, allowed-fast picking, settling by block / reject, timeouts in send order, late answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REQUEST_LENGTH } from './encode.ts';
import type { BlockRef, Message } from './messages.ts';
import { WireParser } from './parser.ts';
import { RequestPipeline } from './request-pipeline.ts';

const BLOCK = 16384;

/** The request messages in `bytes`, as block addresses. */
function requests(bytes: Uint8Array | undefined): BlockRef[] {
  if (!bytes) return [];
  const msgs = new WireParser({ handshake: false }).parse(bytes) as Message[];
  return msgs.map((m) => {
    if (m.type !== 'request') throw new Error(`unexpected ${m.type}`);
    return { index: m.index, begin: m.begin, length: m.length };
  });
}

describe('RequestPipeline', () => {
  it('sends queued requests in order up to the limit, as one buffer of request messages', () => {
    const p = new RequestPipeline();
    for (let i = 0; i < 5; i++) expect(p.enqueue(i, 0, BLOCK)).toBe(true);
    const bytes = p.send(3, 0);
    expect(bytes?.length).toBe(3 * REQUEST_LENGTH);
    expect(requests(bytes).map((r) => r.index)).toEqual([0, 1, 2]);
    expect([p.outstanding, p.queued]).toEqual([3, 2]);
    expect(p.send(3, 0)).toBeUndefined(); // no free slot
    expect(p.find(1, 0)).toMatchObject({ index: 1, begin: 0, length: BLOCK });
    expect(p.answer(1, 0, BLOCK)).toMatchObject({ index: 1, begin: 0, length: BLOCK });
    expect(p.find(1, 0)).toBeUndefined();
    expect(requests(p.send(3, 0)).map((r) => r.index)).toEqual([3]);
  });

  it('while choked with allowed-fast pieces, sends only those and keeps the rest in order', () => {
    const p = new RequestPipeline();
    for (const i of [1, 2, 1, 3, 2]) p.enqueue(i, p.queued * BLOCK, BLOCK);
    expect(p.send(10, 0, new Set())).toBeUndefined();
    expect(requests(p.send(10, 0, new Set([5])))).toEqual([]); // nothing allowed is queued
    expect(requests(p.send(1, 0, new Set([2]))).map((r) => `${r.index}:${r.begin / BLOCK}`)).toEqual(['2:1']); // one free slot
    expect(requests(p.send(10, 0, new Set([2]))).map((r) => `${r.index}:${r.begin / BLOCK}`)).toEqual(['2:4']);
    expect(requests(p.send(10, 0)).map((r) => `${r.index}:${r.begin / BLOCK}`)).toEqual(['1:0', '1:2', '3:3']);
  });

  it('settles a block, a reject (length must match) and a withdrawal; given-up requests answer as late once', () => {
    const p = new RequestPipeline();
    p.enqueue(0, 0, BLOCK);
    p.enqueue(0, BLOCK, BLOCK);
    p.enqueue(0, 2 * BLOCK, BLOCK);
    p.send(10, 0);
    expect(p.reject(0, 0, 100)).toBeUndefined(); // wrong length: not this request
    expect(p.reject(0, 0, BLOCK)).toMatchObject({ begin: 0 });
    expect(p.withdraw(0, BLOCK, BLOCK)).toMatchObject({ begin: BLOCK });
    expect(p.answer(0, BLOCK, BLOCK)).toEqual({ late: true, length: BLOCK });
    expect(p.answer(0, BLOCK, BLOCK)).toBeUndefined();
    expect(p.answer(5, 0, BLOCK)).toBeUndefined();
    expect(p.outstanding).toBe(1);
  });

  it('remembers a given-up request\'s length: a late answer reports it, a re-request of the block is told apart', () => {
    const p = new RequestPipeline();
    p.enqueue(0, 0, BLOCK);
    p.send(10, 0);
    p.withdraw(0, 0, BLOCK);
    expect(p.reject(0, 0, 100)).toBeUndefined(); // not the length we asked for: still late
    p.enqueue(0, 0, 100); // the same block asked for again, shorter
    p.send(10, 1);
    expect(p.reject(0, 0, BLOCK)).toBe('late'); // the cancelled one's reject
    p.withdraw(0, 0, 100);
    p.enqueue(0, 0, BLOCK);
    p.send(10, 2);
    expect(p.answer(0, 0, 100)).toEqual({ late: true, length: 100 }); // the cancelled one's block
    expect(p.answer(0, 0, 7)).toMatchObject({ length: BLOCK, sentAt: 2 }); // wrong length: the caller fails it
    expect(p.answer(0, 0, BLOCK)).toBeUndefined();
  });

  it('withdraws a queued request by its full address without a cancel', () => {
    const p = new RequestPipeline();
    p.enqueue(0, 0, BLOCK);
    expect(p.withdraw(0, 0, 100)).toBeUndefined();
    expect(p.queued).toBe(1); // a different length is another request
    expect(p.withdraw(0, 0, BLOCK)).toBeUndefined();
    expect(p.queued).toBe(0);
    expect(p.answer(0, 0, BLOCK)).toBeUndefined(); // never sent, so not late either
  });

  it('expires requests oldest first, one at a time, and remembers them as late', () => {
    const p = new RequestPipeline();
    p.enqueue(0, 0, BLOCK);
    p.send(10, 100);
    p.enqueue(1, 0, BLOCK);
    p.send(10, 200);
    expect(p.expire(1099, 1000)).toBeUndefined();
    expect(p.expire(1100, 1000)).toMatchObject({ index: 0, sentAt: 100 });
    expect(p.expire(1100, 1000)).toBeUndefined();
    p.rebase(5000);
    expect(p.expire(5999, 1000)).toBeUndefined();
    expect(p.expire(6000, 1000)).toMatchObject({ index: 1 });
    expect(p.reject(0, 0, BLOCK)).toBe('late');
  });

  it('drops outstanding requests on a choke and drains everything on close, outstanding first', () => {
    const p = new RequestPipeline();
    for (let i = 0; i < 4; i++) p.enqueue(i, 0, BLOCK);
    p.send(2, 0);
    expect(p.drain().map((r) => r.index)).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 4; i++) p.enqueue(i, 0, BLOCK);
    p.send(2, 0);
    expect([p.dropOldest()?.index, p.dropOldest()?.index, p.dropOldest()]).toEqual([0, 1, undefined]);
    expect([p.outstanding, p.queued]).toEqual([0, 2]);
    expect(p.answer(0, 0, BLOCK)).toBeUndefined(); // a choke leaves nothing to answer late
  });

  it('keeps its counts consistent under any sequence of operations, and stays within the limit', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('enqueue' as const), i: fc.nat({ max: 5 }) }),
      fc.record({ k: fc.constant('send' as const), limit: fc.integer({ min: 1, max: 4 }), fast: fc.boolean() }),
      fc.record({ k: fc.constant('answer' as const), i: fc.nat({ max: 5 }) }),
      fc.record({ k: fc.constant('reject' as const), i: fc.nat({ max: 5 }) }),
      fc.record({ k: fc.constant('withdraw' as const), i: fc.nat({ max: 5 }) }),
      fc.record({ k: fc.constant('expire' as const), t: fc.nat({ max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const p = new RequestPipeline();
        let now = 0;
        let accepted = 0;
        let settled = 0;
        for (const o of ops) {
          now += 1;
          if (o.k === 'enqueue') accepted += p.enqueue(o.i, 0, BLOCK) ? 1 : 0;
          else if (o.k === 'send') {
            const before = p.outstanding;
            const sent = requests(p.send(o.limit, now, o.fast ? new Set([0, 1]) : undefined));
            if (sent.length) expect(p.outstanding).toBeLessThanOrEqual(o.limit);
            expect(p.outstanding).toBe(before + sent.length);
          } else if (o.k === 'answer' || o.k === 'reject') {
            const r = o.k === 'answer' ? p.answer(o.i, 0, BLOCK) : p.reject(o.i, 0, BLOCK);
            if (r !== undefined && r !== 'late' && !('late' in r)) settled++;
          } else if (o.k === 'withdraw') {
            const queued = p.queued;
            if (p.withdraw(o.i, 0, BLOCK) !== undefined || p.queued < queued) settled++;
          } else {
            for (let r = p.expire(now, o.t); r; r = p.expire(now, o.t)) settled++;
          }
        }
        // Every accepted request is settled once, or still unsettled: none is lost or doubled.
        expect(accepted).toBe(settled + p.drain().length);
      }),
      { numRuns: 300 },
    );
  });
});
