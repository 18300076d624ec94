// PeerSession options are checked up front: a bad limit is the caller's WIRE_INVALID_ARGUMENT, not
// a session without bounds (reqq NaN queued every request a peer sent) or a TypeError.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeRequest } from './encode.ts';
import { WireError } from './errors.ts';
import { encodeHandshake } from './handshake.ts';
import { PeerSession, type PeerSessionOptions } from './session.ts';
import { pattern } from './test-helpers.ts';

const infoHash = pattern(20, 51);
const torrent = { pieceCount: 10, pieceLength: 32768, totalLength: 9 * 32768 + 1000 };
const base: PeerSessionOptions = { infoHash, peerId: pattern(20, 1), torrent, pieces: Bitfield.full(10), onSend: () => {}, onEvent: () => {} };

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof WireError) return e.code;
    return (e as Error).name;
  }
  return undefined;
}

describe('PeerSession options', () => {
  it('refuses limits that are not positive integers and timeouts that are not positive', () => {
    for (const bad of [NaN, -1, 0, 1.5, '8']) {
      for (const key of ['reqq', 'maxOutstanding', 'defaultPeerReqq', 'maxRequestLength', 'maxBlockLength']) {
        expect(codeOf(() => new PeerSession({ ...base, [key]: bad }))).toBe('WIRE_INVALID_ARGUMENT');
      }
    }
    // Infinity lifts the limits we only compare against, as before; not reqq (sent to the peer) nor
    // the sizes a buffer is made from.
    for (const key of ['reqq', 'defaultPeerReqq', 'maxBlockLength']) {
      expect(codeOf(() => new PeerSession({ ...base, [key]: Infinity }))).toBe('WIRE_INVALID_ARGUMENT');
    }
    expect(codeOf(() => new PeerSession({ ...base, maxOutstanding: Infinity, maxRequestLength: Infinity, maxViolations: Infinity }))).toBeUndefined();
    for (const bad of [NaN, -1, 1.5]) expect(codeOf(() => new PeerSession({ ...base, maxViolations: bad }))).toBe('WIRE_INVALID_ARGUMENT');
    for (const bad of [NaN, -1, 0, '5']) {
      for (const key of ['requestTimeout', 'snubTimeout', 'keepAliveInterval', 'idleTimeout', 'handshakeTimeout']) {
        expect(codeOf(() => new PeerSession({ ...base, [key]: bad }))).toBe('WIRE_INVALID_ARGUMENT');
      }
    }
    expect(codeOf(() => new PeerSession({ ...base, maxViolations: 0, idleTimeout: Infinity, reqq: 1 }))).toBeUndefined();
  });

  it('refuses a missing options object, peer id, info hash or callback with WIRE_INVALID_ARGUMENT', () => {
    expect(codeOf(() => new PeerSession(undefined as never))).toBe('WIRE_INVALID_ARGUMENT');
    expect(codeOf(() => new PeerSession({ ...base, peerId: undefined as never }))).toBe('WIRE_INVALID_ARGUMENT');
    expect(codeOf(() => new PeerSession({ ...base, infoHash: undefined as never }))).toBe('WIRE_INVALID_ARGUMENT');
    expect(codeOf(() => new PeerSession({ ...base, onEvent: undefined as never }))).toBe('WIRE_INVALID_ARGUMENT');
  });

  it('keeps the peer\'s queue bounded by the reqq it announced', () => {
    const s = new PeerSession({ ...base, reqq: 4 });
    s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: { fast: true } }));
    s.unchoke();
    for (let i = 0; i < 8; i++) s.receive(encodeRequest({ index: i, begin: 0, length: 16384 }));
    expect(s.incomingRequests).toBe(4);
  });
});
