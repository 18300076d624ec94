// BEP 6 commands and answers that must name a real piece and the very request they refer to.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeCancel, encodeRequest } from './encode.ts';
import { encodeHandshake } from './handshake.ts';
import type { Message } from './messages.ts';
import { WireParser } from './parser.ts';
import { PeerSession, type SessionEvent } from './session.ts';
import { concat, pattern } from './test-helpers.ts';

const infoHash = pattern(20, 31);
const torrent = { pieceCount: 10, pieceLength: 32768, totalLength: 9 * 32768 + 1000 };

function connected() {
  const sent: Uint8Array[] = [];
  const events: SessionEvent[] = [];
  const s = new PeerSession({
    infoHash, peerId: pattern(20, 1), torrent, pieces: Bitfield.full(10), now: 0,
    onSend: (d) => sent.push(d.slice()),
    onEvent: (e) => events.push(e),
  });
  s.start();
  s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: { fast: true, extended: true } }));
  // The peer's parser, which knows the piece count: what it would make of everything we sent.
  const messages = (): Message[] => new WireParser({ pieceCount: 10 }).parse(concat(sent)).filter((e): e is Message => e.type !== 'handshake');
  return { s, sent, events, messages };
}

describe('PeerSession BEP 6', () => {
  it('allowFast and suggest refuse a piece index outside the torrent instead of sending it', () => {
    const A = connected();
    expect(() => A.s.allowFast(10)).toThrowError(expect.objectContaining({ code: 'WIRE_BAD_INDEX' }));
    expect(() => A.s.suggest(1000)).toThrowError(expect.objectContaining({ code: 'WIRE_BAD_INDEX' }));
    A.s.allowFast(9);
    A.s.suggest(9);
    const sent = A.messages(); // throws WIRE_BAD_INDEX if an out-of-range index went out
    expect(sent.slice(-2)).toEqual([{ type: 'allowed-fast', index: 9 }, { type: 'suggest', index: 9 }]);
    expect(A.s.closed).toBe(false);
  });

  it('a cancel of another length leaves the pending request alone (it still gets a block or a reject)', () => {
    const A = connected();
    A.s.unchoke();
    A.s.receive(encodeRequest({ index: 1, begin: 0, length: 16384 }));
    A.s.receive(encodeCancel({ index: 1, begin: 0, length: 100 }));
    expect(A.s.incomingRequests).toBe(1);
    expect(A.events.some((e) => e.type === 'cancel')).toBe(false);
    expect(A.messages().some((m) => m.type === 'reject')).toBe(false);
    expect(A.s.sendPiece(1, 0, new Uint8Array(16384))).toBe(true);
    // The matching cancel of an answered request does nothing; of a pending one, it rejects it.
    A.s.receive(encodeRequest({ index: 2, begin: 0, length: 16384 }));
    A.s.receive(encodeCancel({ index: 2, begin: 0, length: 16384 }));
    expect(A.s.incomingRequests).toBe(0);
    expect(A.messages().filter((m) => m.type === 'reject')).toEqual([{ type: 'reject', index: 2, begin: 0, length: 16384 }]);
  });
});
