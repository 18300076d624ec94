import { describe, expect, it } from 'vitest';
import { allowedFastSet } from './allowed-fast.ts';
import { Bitfield } from './bitfield.ts';
import {
  encodeBitfield, encodeCancel, encodeChoke, encodeExtended, encodeHaveAll, encodeInterested, encodePiece, encodeRequest, encodeUnchoke,
} from './encode.ts';
import { encodeExtendedHandshake } from './extension-handshake.ts';
import { encodeHandshake } from './handshake.ts';
import type { Message } from './messages.ts';
import { WireParser } from './parser.ts';
import type { Features } from './reserved.ts';
import { PeerSession, type PeerSessionOptions, type SessionEvent } from './session.ts';
import { concat, equalBytes, pattern } from './test-helpers.ts';

const infoHash = pattern(20, 7);
const torrent = { pieceCount: 10, pieceLength: 32768, totalLength: 9 * 32768 + 1000 };
const BLOCK = 16384;

/** A session plus everything it sent and reported. */
function session(opts: Partial<PeerSessionOptions> = {}, id = 1) {
  const sent: Uint8Array[] = [];
  const events: SessionEvent[] = [];
  const s = new PeerSession({
    infoHash, peerId: pattern(20, id), torrent, onSend: (d) => sent.push(d.slice()), onEvent: (e) => events.push(e), ...opts,
  });
  return { s, sent, events };
}

type Side = ReturnType<typeof session>;

/** Two sessions connected back to back; `flush` delivers bytes both ways until quiet. */
function pair(a: Partial<PeerSessionOptions> = {}, b: Partial<PeerSessionOptions> = {}) {
  const A = session(a, 1);
  const B = session(b, 2);
  let ia = 0;
  let ib = 0;
  const flush = (now?: number): void => {
    for (let guard = 0; guard < 1000 && (ia < A.sent.length || ib < B.sent.length); guard++) {
      while (ia < A.sent.length) B.s.receive(A.sent[ia++]!, now);
      while (ib < B.sent.length) A.s.receive(B.sent[ib++]!, now);
    }
  };
  A.s.start();
  B.s.start();
  flush();
  return { A, B, flush };
}

/** The messages a side sent, decoded (skipping the handshake). */
function messages(side: Side): Message[] {
  const p = new WireParser();
  return p.parse(concat(side.sent)).filter((e): e is Message => e.type !== 'handshake');
}

const types = (events: SessionEvent[]): string[] => events.map((e) => e.type);

/** A remote peer driven by raw bytes. */
function rawPeer(features: Features = { fast: true, extended: true }): Uint8Array {
  return encodeHandshake({ infoHash, peerId: pattern(20, 99), reserved: features });
}

describe('PeerSession handshake and opening messages', () => {
  it('negotiates features, exchanges extension handshakes and piece sets', () => {
    const { A, B } = pair({ pieces: new Bitfield(10) }, { pieces: Bitfield.full(10), extendedHandshake: { v: 'seed 1' }, reqq: 7 });
    expect(A.s.fast && A.s.extended && B.s.fast && B.s.extended).toBe(true);
    expect(types(A.events)).toEqual(['handshake', 'bitfield', 'extended-handshake']);
    expect(A.s.peerPieces?.complete).toBe(true);
    expect(B.s.peerPieces?.count).toBe(0);
    expect(A.s.peerExtendedHandshake?.v).toBe('seed 1');
    expect(A.s.requestLimit).toBe(7);
    expect(A.s.extensions.remoteId('ut_metadata')).toBe(1);
    expect(messages(B).map((m) => m.type)).toEqual(['have-all', 'extended']);
    expect(messages(A).map((m) => m.type)).toEqual(['have-none', 'extended']);
  });

  it('falls back to a plain bitfield without the fast extension', () => {
    const half = new Bitfield(10);
    half.set(3);
    const { A, B } = pair({ pieces: half, features: { extended: true } }, { pieces: new Bitfield(10) });
    expect(A.s.fast).toBe(false);
    expect(messages(A).map((m) => m.type)).toEqual(['bitfield', 'extended']);
    expect(messages(B).map((m) => m.type)).toEqual(['extended']); // no pieces, no fast: nothing to announce
    expect(B.s.peerPieces?.has(3)).toBe(true);
  });

  it('closes on another torrent\'s info hash', () => {
    const A = session();
    A.s.receive(encodeHandshake({ infoHash: pattern(20, 8), peerId: pattern(20, 9) }));
    expect(A.s.closed).toBe(true);
    const last = A.events.at(-1);
    expect(last?.type === 'closed' && last.error?.code).toBe('WIRE_INFO_HASH_MISMATCH');
  });

  it('answers an incoming handshake without start()', () => {
    const A = session();
    A.s.receive(rawPeer());
    expect(new WireParser().parse(A.sent[0]!)[0]?.type).toBe('handshake');
  });
});

describe('PeerSession downloading', () => {
  function seederPair(opts: Partial<PeerSessionOptions> = {}, seed: Partial<PeerSessionOptions> = {}) {
    const p = pair({ pieces: new Bitfield(10), ...opts }, { pieces: Bitfield.full(10), ...seed });
    const data = pattern(torrent.totalLength);
    // The seeder answers every request from memory, as an application would.
    p.B.events.length = 0;
    const serve = (): void => {
      for (const e of p.B.events.splice(0)) {
        if (e.type === 'request') {
          const off = e.index * torrent.pieceLength + e.begin;
          p.B.s.sendPiece(e.index, e.begin, data.subarray(off, off + e.length));
        }
      }
    };
    return { ...p, data, serve };
  }

  it('pipelines requests up to the peer\'s reqq and receives every block', () => {
    const { A, B, flush, serve, data } = seederPair({}, { reqq: 4 });
    A.s.interested();
    B.s.unchoke();
    for (let i = 0; i < 10; i++) {
      const size = i === 9 ? 1000 : torrent.pieceLength;
      for (let b = 0; b < size; b += BLOCK) expect(A.s.request(i, b, Math.min(BLOCK, size - b))).toBe(true);
    }
    flush();
    expect(A.s.outstanding).toBe(4);
    expect(A.s.queued).toBe(15);
    const got: Uint8Array[] = [];
    for (let round = 0; round < 20 && (A.s.outstanding || A.s.queued); round++) {
      serve();
      flush();
      for (const e of A.events.splice(0)) if (e.type === 'block') got.push(e.block.slice());
      expect(A.s.outstanding).toBeLessThanOrEqual(4);
    }
    expect(equalBytes(concat(got), data)).toBe(true);
    expect(A.s.violations + B.s.violations).toBe(0);
  });

  it('sends no requests while choked, then all of them on unchoke', () => {
    const { A, B, flush } = seederPair();
    A.s.request(0, 0, BLOCK);
    flush();
    expect(A.s.outstanding).toBe(0);
    B.s.unchoke();
    flush();
    expect(A.s.outstanding).toBe(1);
  });

  it('without fast, a choke fails every outstanding request', () => {
    const { A, B, flush } = seederPair({ features: { extended: true } });
    B.s.unchoke();
    flush();
    A.s.request(0, 0, BLOCK);
    A.s.request(0, BLOCK, BLOCK);
    flush();
    A.events.length = 0;
    B.s.choke();
    flush();
    expect(A.events.filter((e) => e.type === 'request-failed').map((e) => e.type === 'request-failed' && e.reason)).toEqual(['choked', 'choked']);
    expect(A.s.outstanding).toBe(0);
  });

  it('with fast, a choke rejects the peer\'s queued requests explicitly, except allowed-fast ones', () => {
    const { A, B, flush } = seederPair();
    B.s.unchoke();
    B.s.allowFast(2);
    flush();
    A.s.request(0, 0, BLOCK);
    A.s.request(2, 0, BLOCK);
    flush();
    expect(B.s.incomingRequests).toBe(2);
    A.events.length = 0;
    B.s.choke();
    flush();
    expect(A.events.filter((e) => e.type === 'request-failed')).toEqual([{ type: 'request-failed', reason: 'rejected', index: 0, begin: 0, length: BLOCK }]);
    expect(B.s.incomingRequests).toBe(1);
    // While choked, allowed-fast pieces can still be requested.
    A.s.request(2, BLOCK, BLOCK);
    A.s.request(1, 0, BLOCK);
    flush();
    expect(A.s.outstanding).toBe(2);
    expect(A.s.queued).toBe(1);
  });

  it('grants the BEP 6 allowed-fast set computed from the peer\'s address, and serves it while choking', () => {
    const { A, B, flush, serve } = seederPair({}, { allowedFast: { ip: '10.1.2.3', count: 3 } });
    const expected = allowedFastSet('10.1.2.3', infoHash, 10, 3);
    expect(messages(B).filter((m) => m.type === 'allowed-fast').map((m) => m.type === 'allowed-fast' && m.index)).toEqual(expected);
    expect(A.events.filter((e) => e.type === 'allowed-fast').length).toBe(3);
    A.s.request(expected[0]!, 0, BLOCK);
    flush();
    serve();
    flush();
    expect(B.s.amChoking).toBe(true);
    expect(A.events.at(-1)).toMatchObject({ type: 'block', index: expected[0] });
  });

  it('a peer\'s cancel withdraws its queued request (and is answered with a reject under fast)', () => {
    const { A, B, flush } = seederPair();
    B.s.unchoke();
    flush();
    A.s.request(1, 0, BLOCK);
    flush();
    A.s.cancel(1, 0, BLOCK);
    flush();
    expect(B.events.some((e) => e.type === 'cancel')).toBe(true);
    expect(B.s.incomingRequests).toBe(0);
    expect(B.s.sendPiece(1, 0, new Uint8Array(BLOCK))).toBe(false);
    expect(A.s.violations).toBe(0); // the reject for a cancelled request is expected
  });

  it('times requests out, cancels them and marks the peer snubbed; a block unsnubs', () => {
    const { A, B, flush, serve } = seederPair({ requestTimeout: 10_000, snubTimeout: 5_000 });
    B.s.unchoke();
    flush(0);
    A.s.request(0, 0, BLOCK);
    A.s.request(0, BLOCK, BLOCK);
    flush(0);
    B.events.length = 0; // the seeder stalls
    A.s.tick(5_000);
    expect(A.s.snubbed).toBe(true);
    A.s.tick(10_000);
    expect(A.events.filter((e) => e.type === 'request-failed').length).toBe(2);
    expect(messages(A).filter((m) => m.type === 'cancel').length).toBe(2);
    A.s.request(1, 0, BLOCK);
    flush(11_000);
    serve();
    flush(11_000);
    expect(A.s.snubbed).toBe(false);
    expect(A.events.at(-1)?.type).toBe('block');
  });

  it('hands unanswered and queued requests back when the session closes', () => {
    const { A, B, flush } = seederPair({}, { reqq: 1 });
    B.s.unchoke();
    flush();
    A.s.request(0, 0, BLOCK);
    A.s.request(0, BLOCK, BLOCK);
    flush();
    A.events.length = 0;
    A.s.close();
    expect(A.events.map((e) => (e.type === 'request-failed' ? `${e.reason}:${e.begin}` : e.type))).toEqual(['closed:0', `closed:${BLOCK}`, 'closed']);
    expect(A.s.outstanding + A.s.queued).toBe(0);
  });

  it('sends keep-alives when idle and closes a silent peer', () => {
    const { A } = pair({ now: 0, keepAliveInterval: 1000, idleTimeout: 5000 });
    const before = A.sent.length;
    A.s.tick(1000);
    expect(A.sent.length).toBe(before + 1);
    expect(Array.from(A.sent.at(-1)!)).toEqual([0, 0, 0, 0]);
    A.s.tick(5000);
    const last = A.events.at(-1);
    expect(last?.type === 'closed' && last.error?.code).toBe('WIRE_TIMEOUT');
  });

  it('closes when no handshake arrives in time', () => {
    const A = session({ handshakeTimeout: 100 });
    A.s.start(0);
    A.s.tick(100);
    expect(A.s.closed).toBe(true);
  });
});

describe('PeerSession against a hostile peer', () => {
  function connected(features?: Features, opts: Partial<PeerSessionOptions> = {}) {
    const A = session({ pieces: Bitfield.full(10), ...opts });
    A.s.start();
    A.s.receive(rawPeer(features));
    return A;
  }
  const closedWith = (side: Side): string | undefined => {
    const e = side.events.find((x) => x.type === 'closed');
    return e?.type === 'closed' ? e.error?.code : undefined;
  };

  it('counts unrequested blocks as violations and drops them', () => {
    const A = connected();
    A.s.receive(encodePiece(1, 0, pattern(BLOCK)));
    expect(A.s.violations).toBe(1);
    expect(A.events.some((e) => e.type === 'block')).toBe(false);
  });

  it('fails a wrong-length block', () => {
    const A = connected();
    A.s.receive(encodeUnchoke());
    A.s.request(1, 0, BLOCK);
    A.s.receive(encodePiece(1, 0, pattern(100)));
    expect(A.s.violations).toBe(1);
    expect(A.events.find((e) => e.type === 'request-failed')).toMatchObject({ reason: 'invalid' });
  });

  it('rejects requests beyond the piece, too large, or for pieces we lack', () => {
    const half = new Bitfield(10);
    half.set(0);
    half.set(9);
    const A = connected(undefined, { pieces: half });
    A.s.unchoke();
    A.s.receive(encodeRequest({ index: 9, begin: 0, length: 1001 })); // last piece is 1000 bytes
    A.s.receive(encodeRequest({ index: 0, begin: 32768 - 100, length: 200 }));
    A.s.receive(encodeRequest({ index: 0, begin: 0, length: 200_000 }));
    A.s.receive(encodeRequest({ index: 5, begin: 0, length: 100 }));
    A.s.receive(encodeRequest({ index: 9, begin: 0, length: 1000 }));
    expect(A.s.violations).toBe(4);
    expect(messages(A).filter((m) => m.type === 'reject').length).toBe(4);
    expect(A.events.filter((e) => e.type === 'request')).toEqual([{ type: 'request', index: 9, begin: 0, length: 1000 }]);
  });

  it('bounds the peer\'s request queue by our reqq', () => {
    const A = connected(undefined, { reqq: 3 });
    A.s.unchoke();
    for (let i = 0; i < 5; i++) A.s.receive(encodeRequest({ index: i, begin: 0, length: 10 }));
    expect(A.s.incomingRequests).toBe(3);
    expect(A.s.violations).toBe(2);
  });

  it('closes on a bitfield of the wrong size, with spare bits, or an out-of-range have', () => {
    const A = connected();
    A.s.receive(encodeBitfield(Uint8Array.of(0xff)));
    expect(closedWith(A)).toBe('WIRE_BAD_BITFIELD');
    const B = connected();
    B.s.receive(encodeBitfield(Uint8Array.of(0xff, 0xff)));
    expect(closedWith(B)).toBe('WIRE_BAD_BITFIELD');
    const C = connected();
    C.s.receive(Uint8Array.of(0, 0, 0, 5, 4, 0, 0, 0, 10));
    expect(closedWith(C)).toBe('WIRE_BAD_INDEX');
  });

  it('closes on fast messages when fast was not negotiated, and on garbage', () => {
    const A = connected({ extended: true });
    A.s.receive(encodeHaveAll());
    expect(closedWith(A)).toBe('WIRE_NOT_NEGOTIATED');
    const B = connected();
    B.s.receive(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    expect(closedWith(B)).toBe('WIRE_MESSAGE_TOO_LONG');
    expect(B.s.closed).toBe(true);
    B.s.receive(encodeInterested()); // ignored after close
    expect(B.events.filter((e) => e.type === 'closed').length).toBe(1);
  });

  it('closes after too many violations', () => {
    const A = connected(undefined, { maxViolations: 3 });
    A.s.receive(encodeInterested()); // other messages before the bitfield are tolerated
    A.s.receive(encodeBitfield(new Uint8Array(2)));
    expect(A.s.violations).toBe(0);
    for (let i = 0; i < 4; i++) A.s.receive(encodePiece(1, i, pattern(1)));
    expect(closedWith(A)).toBe('WIRE_TOO_MANY_VIOLATIONS');
  });

  it('routes registered extension messages by name and ignores unknown ids', () => {
    const A = connected();
    A.s.receive(encodeExtended(0, encodeExtendedHandshake({ m: { ut_pex: 5, lt_donthave: 6 } })));
    expect(A.s.sendExtended('ut_pex', Uint8Array.of(1))).toBe(true);
    expect(messages(A).at(-1)).toEqual({ type: 'extended', id: 5, payload: Uint8Array.of(1) });
    expect(A.s.sendExtended('lt_donthave', Uint8Array.of(1))).toBe(false); // we did not register it
    A.s.receive(encodeExtended(2, Uint8Array.of(7))); // our ut_pex id
    A.s.receive(encodeExtended(77, Uint8Array.of(7)));
    expect(A.events.filter((e) => e.type === 'extended')).toEqual([{ type: 'extended', name: 'ut_pex', payload: Uint8Array.of(7) }]);
  });

  it('validates an early bitfield once the torrent shape arrives (magnet links)', () => {
    const A = session({ torrent: undefined });
    A.s.start();
    A.s.receive(concat([rawPeer(), encodeBitfield(Uint8Array.of(0xff, 0xc0)), Uint8Array.of(0, 0, 0, 5, 4, 0, 0, 0, 1)]));
    expect(A.s.peerPieces).toBeUndefined();
    A.s.setTorrent(torrent);
    expect(A.s.peerPieces?.count).toBe(10);
    const B = session({ torrent: undefined });
    B.s.receive(concat([rawPeer(), encodeBitfield(Uint8Array.of(0xff, 0xff))]));
    B.s.setTorrent(torrent);
    expect(B.s.closed).toBe(true);
    A.s.setTorrent(torrent); // same shape: no-op
    expect(A.s.peerPieces?.count).toBe(10);
    expect(() => A.s.setTorrent({ ...torrent, pieceCount: 11 })).toThrow(/already set/);
  });

  it('ignores a choke/unchoke storm without state corruption', () => {
    const A = connected();
    const storm: Uint8Array[] = [];
    for (let i = 0; i < 1000; i++) storm.push(i % 2 ? encodeChoke() : encodeUnchoke());
    A.s.receive(concat(storm));
    expect(A.s.peerChoking).toBe(true);
    A.s.receive(encodeCancel({ index: 1, begin: 0, length: 1 }));
    expect(A.s.closed).toBe(false);
  });
});
