// Property tests (fast-check): the parser only ever yields messages or throws WireError, is
// independent of how the stream is split, and never allocates for huge declared lengths.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessage } from './encode.ts';
import { WireError } from './errors.ts';
import { encodeHandshake } from './handshake.ts';
import type { Message, WireEvent } from './messages.ts';
import { WireParser } from './parser.ts';
import { concat } from './test-helpers.ts';

const u32 = fc.nat({ max: 0xffffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const block = { index: u32, begin: u32, length: u32 };

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.constantFrom<Message>({ type: 'keep-alive' }, { type: 'choke' }, { type: 'unchoke' }, { type: 'interested' },
    { type: 'not-interested' }, { type: 'have-all' }, { type: 'have-none' }),
  fc.record({ type: fc.constant('have' as const), index: u32 }),
  fc.record({ type: fc.constant('suggest' as const), index: u32 }),
  fc.record({ type: fc.constant('allowed-fast' as const), index: u32 }),
  fc.record({ type: fc.constant('bitfield' as const), bitfield: bytes(64) }),
  fc.record({ type: fc.constant('request' as const), ...block }),
  fc.record({ type: fc.constant('cancel' as const), ...block }),
  fc.record({ type: fc.constant('reject' as const), ...block }),
  fc.record({ type: fc.constant('piece' as const), index: u32, begin: u32, block: bytes(300) }),
  fc.record({ type: fc.constant('port' as const), port: fc.nat({ max: 0xffff }) }),
  fc.record({ type: fc.constant('extended' as const), id: fc.nat({ max: 255 }), payload: bytes(100) }),
  fc.record({ type: fc.constant('unknown' as const), id: fc.integer({ min: 21, max: 255 }), payload: bytes(50) }),
);

const handshake = encodeHandshake({ infoHash: new Uint8Array(20).fill(1), peerId: new Uint8Array(20).fill(2) });

/** Cut points that split `n` bytes into chunks. */
const cuts = fc.array(fc.nat(), { maxLength: 20 });

function chunksOf(b: Uint8Array, points: number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => (b.length ? p % (b.length + 1) : 0)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of sorted) {
    out.push(b.slice(prev, p)); // slice: each chunk its own buffer, as from a socket
    prev = p;
  }
  out.push(b.slice(prev));
  return out;
}

/** Runs the parser over chunks; returns the events (as plain data) and the error code, if any. */
function run(chunks: Uint8Array[]): { events: unknown[]; error?: string } {
  const p = new WireParser({ maxMessageLength: 4096, maxBlockLength: 1024 });
  const events: WireEvent[] = [];
  try {
    for (const c of chunks) p.push(c, (e) => events.push(e));
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return { events: plain(events), error: e.code };
  }
  return { events: plain(events) };
}

function plain(events: WireEvent[]): unknown[] {
  return events.map((e) => JSON.parse(JSON.stringify(e, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))));
}

describe('wire parser properties', () => {
  it('round-trips any message sequence under any split', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 30 }), cuts, (msgs, points) => {
        const stream = concat([handshake, ...msgs.map(encodeMessage)]);
        const r = run(chunksOf(stream, points));
        expect(r.error).toBeUndefined();
        expect(r.events.slice(1)).toEqual(plain(msgs as WireEvent[]));
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes yield only messages or a WireError, identically under any split', () => {
    fc.assert(
      fc.property(fc.boolean(), bytes(2000), cuts, (withHandshake, junk, points) => {
        const stream = withHandshake ? concat([handshake, junk]) : junk;
        const whole = run([stream]);
        const split = run(chunksOf(stream, points));
        expect(split).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid streams yield only messages or a WireError, identically under any split', () => {
    const mutation = fc.record({ at: fc.nat(), value: fc.nat({ max: 255 }) });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 20 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), cuts, (msgs, muts, points) => {
        const stream = concat([handshake, ...msgs.map(encodeMessage)]);
        for (const m of muts) stream[m.at % stream.length] = m.value;
        const whole = run([stream]);
        expect(run(chunksOf(stream, points))).toEqual(whole);
        expect(run(chunksOf(stream, [...Array(stream.length).keys()]))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('any declared length above the limit fails on the header, for every message id', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4097, max: 0xffffffff }), fc.nat({ max: 255 }), (len, id) => {
        const p = new WireParser({ handshake: false, maxMessageLength: 4096 });
        const header = Uint8Array.of(len >>> 24, len >>> 16, len >>> 8, len, id);
        let code: string | undefined;
        try {
          p.push(header, () => {});
        } catch (e) {
          code = (e as WireError).code;
        }
        expect(code).toBe('WIRE_MESSAGE_TOO_LONG');
      }),
      { numRuns: 300 },
    );
  });
});
