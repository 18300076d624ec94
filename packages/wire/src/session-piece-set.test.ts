// Regression tests: a peer that announces its piece set more than once (aria2 re-sends `bitfield` and
// `have all` while downloading) replaces its set instead of piling up violations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeBitfield, encodeHave, encodeHaveAll, encodeHaveNone } from './encode.ts';
import { encodeHandshake } from './handshake.ts';
import type { Message } from './messages.ts';
import { WireParser } from './parser.ts';
import type { Features } from './reserved.ts';
import { PeerSession, type PeerSessionOptions, type SessionEvent } from './session.ts';
import { concat, pattern } from './test-helpers.ts';

const infoHash = pattern(20, 11);
const torrent = { pieceCount: 10, pieceLength: 32768, totalLength: 9 * 32768 + 1000 };

/** A session that has received a valid handshake, plus what it sent and reported. */
function connected(features: Features = { fast: true, extended: true }, opts: Partial<PeerSessionOptions> = {}) {
  const sent: Uint8Array[] = [];
  const events: SessionEvent[] = [];
  const s = new PeerSession({
    infoHash, peerId: pattern(20, 1), torrent, onSend: (d) => sent.push(d.slice()), onEvent: (e) => events.push(e), ...opts,
  });
  s.start(0);
  s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: features }), 0);
  return { s, sent, events };
}

/** Bitfield wire bytes for `count` pieces with `indices` set. */
function bits(count: number, ...indices: number[]): Uint8Array {
  const b = new Bitfield(count);
  for (const i of indices) b.set(i);
  return b.bytes;
}

const bitfieldEvents = (events: SessionEvent[]) => events.filter((e) => e.type === 'bitfield');
const closedWith = (events: SessionEvent[]): string | undefined => {
  const e = events.find((x) => x.type === 'closed');
  return e?.type === 'closed' ? e.error?.code : undefined;
};

describe('PeerSession: repeated piece sets', () => {
  it('replaces the peer\'s piece set on a repeated bitfield / have all / have none, reporting the previous set', () => {
    const A = connected();
    A.s.receive(encodeBitfield(bits(10, 3)));
    expect(A.s.peerPieces?.count).toBe(1);
    A.s.receive(encodeHave(5));
    A.s.receive(encodeHaveAll());
    expect(A.s.peerPieces?.complete).toBe(true);
    const replaced = bitfieldEvents(A.events)[1];
    expect(replaced?.type === 'bitfield' && replaced.previous && [...Array(10).keys()].filter((i) => replaced.previous!.has(i))).toEqual([3, 5]);
    A.s.receive(encodeHaveNone());
    expect(A.s.peerPieces?.count).toBe(0);
    A.s.receive(encodeBitfield(bits(10, 0, 9)));
    expect(A.s.peerPieces?.has(0) && A.s.peerPieces.has(9) && A.s.peerPieces.count === 2).toBe(true);
    expect(bitfieldEvents(A.events).length).toBe(4);
    expect(bitfieldEvents(A.events)[0]).toEqual({ type: 'bitfield' }); // the first announcement has no previous set
    expect(A.s.violations).toBe(0);
    expect(A.s.closed).toBe(false);
  });

  it('survives many more repeats than maxViolations (aria2), and an identical repeat emits nothing', () => {
    const A = connected();
    A.s.receive(encodeHaveAll());
    for (let i = 0; i < 100; i++) A.s.receive(i % 2 ? encodeHaveAll() : encodeBitfield(bits(10, ...Array(10).keys())));
    expect(bitfieldEvents(A.events).length).toBe(1);
    expect(A.s.violations).toBe(0);
    expect(A.s.closed).toBe(false);
    // Without the fast extension, bitfields alone are repeated.
    const B = connected({ extended: true });
    for (let i = 0; i < 50; i++) B.s.receive(encodeBitfield(bits(10, i % 10)));
    expect(B.s.closed).toBe(false);
    expect(B.s.violations).toBe(0);
    expect(B.s.peerPieces?.has(9) && B.s.peerPieces.count === 1).toBe(true);
  });

  it('keeps the strict checks on a repeated bitfield: wrong size or spare bits still close', () => {
    const A = connected();
    A.s.receive(encodeHaveAll());
    A.s.receive(encodeBitfield(Uint8Array.of(0xff)));
    expect(closedWith(A.events)).toBe('WIRE_BAD_BITFIELD');
    const B = connected();
    B.s.receive(encodeBitfield(bits(10, 1)));
    B.s.receive(encodeBitfield(Uint8Array.of(0xff, 0xff)));
    expect(closedWith(B.events)).toBe('WIRE_BAD_BITFIELD');
    const C = connected({ extended: true });
    C.s.receive(encodeBitfield(bits(10, 1)));
    C.s.receive(encodeHaveAll()); // still needs the fast extension
    expect(closedWith(C.events)).toBe('WIRE_NOT_NEGOTIATED');
  });

  it('lets a caller keep interest and availability right from the bitfield event', () => {
    const ours = new Bitfield(10);
    for (let i = 0; i < 5; i++) ours.set(i);
    const availability = new Array<number>(10).fill(0);
    const sent: Uint8Array[] = [];
    const s: PeerSession = new PeerSession({
      infoHash, peerId: pattern(20, 1), torrent, pieces: ours, now: 0, onSend: (d) => sent.push(d.slice()),
      onEvent: (e) => {
        if (e.type === 'have') availability[e.index]!++;
        if (e.type !== 'bitfield' && e.type !== 'have') return;
        if (e.type === 'bitfield') {
          for (let i = 0; i < 10; i++) availability[i]! += (s.peerPieces!.has(i) ? 1 : 0) - (e.previous?.has(i) ? 1 : 0);
        }
        let wants = false;
        for (let i = 0; i < 10; i++) wants ||= s.peerPieces!.has(i) && !ours.has(i);
        if (wants) s.interested();
        else s.notInterested();
      },
    });
    s.start(0);
    s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: { fast: true, extended: true } }));
    s.receive(encodeBitfield(bits(10, 1)));
    expect(s.amInterested).toBe(false);
    s.receive(encodeHave(7));
    expect(s.amInterested).toBe(true);
    s.receive(encodeHaveNone());
    expect(s.amInterested).toBe(false);
    expect(availability).toEqual(new Array(10).fill(0));
    s.receive(encodeHaveAll());
    expect(s.amInterested).toBe(true);
    expect(availability).toEqual(new Array(10).fill(1));
    const msgs = new WireParser().parse(concat(sent)).filter((e): e is Message => e.type !== 'handshake');
    expect(msgs.filter((m) => m.type === 'interested' || m.type === 'not-interested').map((m) => m.type))
      .toEqual(['interested', 'not-interested', 'interested']);
  });

  it('builds the piece set from haves when a peer with nothing skips the bitfield (BEP 3)', () => {
    const A = connected({ extended: true });
    A.s.receive(encodeHave(2));
    A.s.receive(encodeHave(4));
    expect(A.s.peerPieces?.count).toBe(2);
    A.s.receive(encodeBitfield(bits(10, 6)));
    const e = bitfieldEvents(A.events)[0];
    expect(e?.type === 'bitfield' && e.previous?.count).toBe(2);
    expect(A.s.peerPieces?.has(6) && A.s.peerPieces.count === 1).toBe(true);
  });

  it('replaces an early piece set of a magnet session too', () => {
    const A = connected(undefined, { torrent: undefined });
    A.s.receive(encodeHaveAll());
    A.s.receive(encodeBitfield(bits(10, 4)));
    A.s.setTorrent(torrent);
    expect(A.s.peerPieces?.has(4) && A.s.peerPieces.count === 1).toBe(true);
    expect(A.s.violations).toBe(0);
  });

  it('after any sequence of valid announcements and haves, the peer\'s set is the last announcement plus later haves', () => {
    const step = fc.oneof(
      fc.constant({ kind: 'all' as const }),
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('bits' as const), set: fc.uniqueArray(fc.nat({ max: 9 }), { maxLength: 10 }) }),
      fc.record({ kind: fc.constant('have' as const), index: fc.nat({ max: 9 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const A = connected();
        const model = new Set<number>();
        for (const st of steps) {
          if (st.kind === 'have') {
            A.s.receive(encodeHave(st.index));
            model.add(st.index);
            continue;
          }
          model.clear();
          if (st.kind === 'all') for (let i = 0; i < 10; i++) model.add(i);
          if (st.kind === 'bits') for (const i of st.set) model.add(i);
          A.s.receive(st.kind === 'all' ? encodeHaveAll() : st.kind === 'none' ? encodeHaveNone() : encodeBitfield(bits(10, ...st.set)));
        }
        expect(A.s.closed).toBe(false);
        expect(A.s.violations).toBe(0);
        const got = A.s.peerPieces ? [...Array(10).keys()].filter((i) => A.s.peerPieces!.has(i)) : [];
        expect(got).toEqual([...model].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});
