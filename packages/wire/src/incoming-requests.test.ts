// Unit tests of the peer's-requests bookkeeping, without a session: admission checks in order,
// the reqq bound, answering, withdrawing, and what our choke keeps.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { IncomingRequests } from './incoming-requests.ts';

const shape = { pieceCount: 4, pieceLength: 32768, totalLength: 3 * 32768 + 100 };
const BLOCK = 16384;
const all = Bitfield.full(4);

describe('IncomingRequests', () => {
  it('queues valid requests for pieces we have while unchoked, and refuses the rest with a reason', () => {
    const q = new IncomingRequests(10, BLOCK);
    const ours = new Bitfield(4);
    ours.set(0);
    ours.set(3);
    expect(q.admit(0, 0, BLOCK, shape, ours, false)).toEqual({ outcome: 'queued' });
    expect(q.admit(3, 0, 101, shape, ours, false)).toMatchObject({ outcome: 'refused', violation: expect.stringMatching(/invalid/) });
    expect(q.admit(0, 0, BLOCK + 1, shape, ours, false)).toMatchObject({ violation: expect.stringMatching(/invalid/) });
    expect(q.admit(1, 0, BLOCK, shape, ours, false)).toMatchObject({ violation: expect.stringMatching(/do not have/) });
    expect(q.admit(3, 0, 100, shape, ours, false)).toEqual({ outcome: 'queued' });
    expect(q.size).toBe(2);
  });

  it('refuses requests while choking without a violation, except for allowed-fast pieces', () => {
    const q = new IncomingRequests(10, BLOCK);
    expect(q.admit(0, 0, BLOCK, shape, all, true)).toEqual({ outcome: 'refused' });
    q.allow(0);
    expect(q.admit(0, 0, BLOCK, shape, all, true)).toEqual({ outcome: 'queued' });
  });

  it('bounds the queue by reqq and ignores a repeat of a pending request, even when full', () => {
    const q = new IncomingRequests(2, BLOCK);
    expect(q.admit(0, 0, 10, shape, all, false).outcome).toBe('queued');
    expect(q.admit(0, 0, 10, shape, all, false).outcome).toBe('duplicate');
    expect(q.admit(1, 0, 10, shape, all, false).outcome).toBe('queued');
    expect(q.admit(1, 0, 10, shape, all, false).outcome).toBe('duplicate');
    expect(q.admit(2, 0, 10, shape, all, false)).toMatchObject({ outcome: 'refused', violation: expect.stringMatching(/more than 2/) });
  });

  it('without a piece set (a magnet link before its metadata) refuses every request as one for a piece we lack', () => {
    const q = new IncomingRequests(10, BLOCK);
    expect(q.admit(1, 0, BLOCK, shape, undefined, false)).toMatchObject({ violation: expect.stringMatching(/do not have/) });
    expect(q.admit(1000, 0, BLOCK, undefined, undefined, false)).toMatchObject({ violation: expect.stringMatching(/do not have/) });
    expect(q.admit(-1, 0, BLOCK, undefined, undefined, false)).toMatchObject({ violation: expect.stringMatching(/invalid/) });
    expect(q.size).toBe(0);
  });

  it('takes a request only with the requested length; removes one by address', () => {
    const q = new IncomingRequests(10, BLOCK);
    q.admit(0, 0, 10, shape, all, false);
    q.admit(0, BLOCK, 10, shape, all, false);
    expect(q.take(0, 0, 11)).toBe(false);
    expect(q.take(0, 0, 10)).toBe(true);
    expect(q.take(0, 0, 10)).toBe(false);
    expect(q.remove(0, BLOCK)).toBe(true);
    expect(q.remove(0, BLOCK)).toBe(false);
    expect(q.size).toBe(0);
  });

  it('our choke drops every pending request; with fast, allowed-fast ones stay', () => {
    const q = new IncomingRequests(10, BLOCK);
    q.allow(2);
    for (const i of [0, 2, 1]) q.admit(i, 0, 10, shape, all, false);
    expect(q.choke(true).map((r) => r.index)).toEqual([0, 1]);
    expect(q.size).toBe(1);
    expect(q.choke(false).map((r) => r.index)).toEqual([2]);
    q.admit(3, 0, 10, shape, all, false);
    q.clear();
    expect(q.size).toBe(0);
  });
});
