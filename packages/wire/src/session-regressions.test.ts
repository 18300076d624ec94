// Regression tests for state-machine bugs found while splitting session.ts: each test failed before
// its fix.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeExtended, encodeRequest, encodeUnchoke } from './encode.ts';
import { encodeExtendedHandshake } from './extension-handshake.ts';
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

describe('PeerSession: nothing is sent or reported after `closed` when the owner closes from an event', () => {
  it('on a request failed by the peer\'s choke: the other requests are reported as closed, each once', () => {
    const A = connected({ extended: true }, {}, (s, e) => {
      if (e.type === 'request-failed' && e.reason === 'choked') s.close();
    });
    A.s.receive(encodeUnchoke());
    for (let b = 0; b < 3; b++) A.s.request(b, 0, BLOCK);
    A.s.receive(Uint8Array.of(0, 0, 0, 1, 0)); // choke, without the fast extension
    expect(A.afterClose).toEqual([]);
    const failed = A.events.filter((e) => e.type === 'request-failed');
    expect(failed.map((e) => e.type === 'request-failed' && `${e.index}:${e.reason}`)).toEqual(['0:choked', '1:closed', '2:closed']);
  });

  it('on snubbed: no keep-alive follows', () => {
    const A = connected(undefined, { snubTimeout: 1000, keepAliveInterval: 1000, requestTimeout: 10_000 }, (s, e) => {
      if (e.type === 'snubbed' && e.snubbed) s.close();
    });
    A.s.receive(encodeUnchoke());
    A.s.request(0, 0, BLOCK);
    A.s.tick(2000);
    expect(A.s.closed).toBe(true);
    expect(A.afterClose).toEqual([]);
  });

  it('on unsnubbed: the block is not delivered after close but reported as a closed request', () => {
    const A = connected(undefined, { snubTimeout: 1000, requestTimeout: 10_000 }, (s, e) => {
      if (e.type === 'snubbed' && !e.snubbed) s.close();
    });
    A.s.receive(encodeUnchoke());
    A.s.request(0, 0, BLOCK);
    A.s.tick(1000);
    expect(A.s.snubbed).toBe(true);
    A.s.receive(concat([Uint8Array.of(0, 0, 0x40, 9, 7, 0, 0, 0, 0, 0, 0, 0, 0), new Uint8Array(BLOCK)]), 1500);
    expect(A.afterClose).toEqual([]);
    expect(A.events.filter((e) => e.type === 'request-failed').map((e) => e.type === 'request-failed' && e.reason)).toEqual(['closed']);
  });

  it('when a wrong-length block is the violation too many: its request is reported before the close', () => {
    const A = connected(undefined, { maxViolations: 0 });
    A.s.receive(encodeUnchoke());
    A.s.request(0, 0, BLOCK);
    A.s.receive(Uint8Array.of(0, 0, 0, 10, 7, 0, 0, 0, 0, 0, 0, 0, 0, 1)); // a 1-byte block
    expect(A.s.closed).toBe(true);
    expect(A.afterClose).toEqual([]);
    expect(A.events.filter((e) => e.type === 'request-failed').map((e) => e.type === 'request-failed' && e.reason)).toEqual(['invalid']);
  });

  it('when a bad request is the violation too many: no reject follows the close', () => {
    const A = connected(undefined, { maxViolations: 0 });
    A.s.unchoke();
    A.s.receive(Uint8Array.of(0, 0, 0, 13, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1)); // 65537 bytes: too long
    expect(A.s.closed).toBe(true);
    expect(A.afterClose).toEqual([]);
    expect(messages(A.sent).some((m) => m.type === 'reject')).toBe(false);
  });
});

describe('PeerSession: received bytes and the caller\'s arguments', () => {
  it('keeps the peer\'s extension handshake intact when the received buffer is reused', () => {
    const A = connected();
    const chunk = concat([Uint8Array.of(0, 0, 0, 0), encodeExtended(0, encodeExtendedHandshake({ m: { ut_pex: 3 }, yourip: Uint8Array.of(10, 0, 0, 1) }))]);
    A.s.receive(chunk);
    chunk.fill(0); // a transport reading into one buffer over and over
    expect(Array.from(A.s.peerExtendedHandshake!.yourip!)).toEqual([10, 0, 0, 1]);
    expect(A.s.peerExtendedHandshake!.yourip!.buffer).not.toBe(chunk.buffer);
  });

  it('ignores a repeated request while its first copy is pending, even when our queue is full', () => {
    const A = connected(undefined, { reqq: 1 });
    A.s.unchoke();
    const request = encodeRequest({ index: 1, begin: 0, length: 10 });
    A.s.receive(request);
    A.s.receive(request);
    expect(A.s.violations).toBe(0);
    expect(messages(A.sent).some((m) => m.type === 'reject')).toBe(false);
    expect(A.s.sendPiece(1, 0, new Uint8Array(10))).toBe(true);
  });

  it('setTorrent refuses a shape whose piece count differs from our pieces, like the constructor', () => {
    const s = new PeerSession({ infoHash, peerId: pattern(20, 1), pieces: new Bitfield(5), onSend: () => {}, onEvent: () => {} });
    expect(() => s.setTorrent(torrent)).toThrow(/piece count/);
    expect(s.torrent).toBeUndefined();
    s.setTorrent({ pieceCount: 5, pieceLength: 16384, totalLength: 5 * 16384 });
    expect(s.torrent?.pieceCount).toBe(5);
  });
});

describe('PeerSession: haves before a magnet link\'s metadata', () => {
  it('reports a have once, and not at all for a piece the early piece set already holds', () => {
    const A = connected(undefined, { torrent: undefined, pieces: undefined });
    const have = (i: number): Uint8Array => Uint8Array.of(0, 0, 0, 5, 4, 0, 0, 0, i);
    A.s.receive(concat([have(3), have(3)]));
    A.s.receive(Uint8Array.of(0, 0, 0, 3, 5, 0x80, 0x00)); // bitfield: piece 0
    A.s.receive(concat([have(0), have(5), have(5)]));
    expect(A.events.filter((e) => e.type === 'have').map((e) => e.type === 'have' && e.index)).toEqual([3, 5]);
    A.s.setTorrent(torrent);
    expect([...Array(10).keys()].filter((i) => A.s.peerPieces!.has(i))).toEqual([0, 5]);
  });
});
