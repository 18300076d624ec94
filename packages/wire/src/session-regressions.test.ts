// Regression tests for state-machine bugs found while splitting session.ts: each test failed before
// its fix.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeUnchoke } from './encode.ts';
import { encodeHandshake } from './handshake.ts';
import type { Message } from './messages.ts';
import { WireParser } from './parser.ts';
import type { Features } from './reserved.ts';
import { PeerSession, type PeerSessionOptions, type SessionEvent } from './session.ts';
import { concat, pattern } from './test-helpers.ts';

const infoHash = pattern(20, 21);
const torrent = { pieceCount: 10, pieceLength: 32768, totalLength: 9 * 32768 + 1000 };
const BLOCK = 16384;

/**
 * A session that has received a valid handshake. `react` runs on every event, with the session, to
 * play an owner that acts from inside its callback. Records what was sent, and whether anything
 * was sent or reported after the `closed` event.
 */
function connected(features: Features = { fast: true, extended: true }, opts: Partial<PeerSessionOptions> = {}, react?: (s: PeerSession, e: SessionEvent) => void) {
  const sent: Uint8Array[] = [];
  const events: SessionEvent[] = [];
  const afterClose: string[] = [];
  let closedSeen = false;
  const s: PeerSession = new PeerSession({
    infoHash, peerId: pattern(20, 1), torrent, pieces: Bitfield.full(10), now: 0,
    onSend: (d) => {
      if (closedSeen) afterClose.push('send');
      sent.push(d.slice());
    },
    onEvent: (e) => {
      if (closedSeen) afterClose.push(e.type);
      if (e.type === 'closed') closedSeen = true;
      events.push(e);
      react?.(s, e);
    },
    ...opts,
  });
  s.start();
  s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: features }));
  return { s, sent, events, afterClose };
}

const messages = (sent: Uint8Array[]): Message[] =>
  new WireParser().parse(concat(sent)).filter((e): e is Message => e.type !== 'handshake');

describe('PeerSession regressions', () => {
  it('refuses a request for a block that is already queued (one answer or failure per accepted request)', () => {
    const A = connected();
    expect(A.s.request(0, 0, BLOCK)).toBe(true);
    expect(A.s.request(0, 0, BLOCK)).toBe(false); // still queued: the peer has not unchoked us
    expect(A.s.queued).toBe(1);
    A.s.close();
    expect(A.events.filter((e) => e.type === 'request-failed').length).toBe(1);
  });
});
