// Regression tests: v2-only torrents align every file to a piece boundary, so each file's last piece
// may be short; request and block validation must use those sizes. Hybrid torrents keep v1 pieces.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeHaveAll, encodePiece, encodeRequest, encodeUnchoke } from './encode.ts';
import { encodeHandshake } from './handshake.ts';
import { pieceAlignedShape, validBlock } from './piece-size.ts';
import { PeerSession, type SessionEvent, type TorrentShape } from './session.ts';
import { pattern } from './test-helpers.ts';

const infoHash = pattern(32, 17); // v2 info hash, truncated in the handshake
const PIECE = 32768;
const BLOCK = 16384;
// Four files: 40000 bytes (pieces 0-1, the second 7232 bytes), an empty file (no piece),
// 16384 bytes (piece 2, half a piece), 1000 bytes (piece 3).
const files = [40000, 0, 16384, 1000];

function connected(torrent: TorrentShape) {
  const events: SessionEvent[] = [];
  const s = new PeerSession({
    infoHash, peerId: pattern(20, 1), torrent, pieces: Bitfield.full(torrent.pieceCount), now: 0, onSend: () => {}, onEvent: (e) => events.push(e),
  });
  s.start();
  s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: { fast: true, extended: true } }));
  s.receive(encodeHaveAll());
  return { s, events };
}

describe('pieceAlignedShape (v2)', () => {
  it('gives each file its own pieces, the last one short', () => {
    const shape = pieceAlignedShape(files, PIECE);
    expect(shape.pieceCount).toBe(4);
    expect(shape.totalLength).toBe(40000 + 16384 + 1000);
    expect([0, 1, 2, 3].map((i) => shape.pieceSize!(i))).toEqual([PIECE, 40000 - PIECE, BLOCK, 1000]);
    expect(pieceAlignedShape([PIECE * 2, PIECE], PIECE).pieceCount).toBe(3);
    expect(pieceAlignedShape([], PIECE).pieceCount).toBe(0);
    expect(() => pieceAlignedShape([-1], PIECE)).toThrow(/file length/);
    expect(() => pieceAlignedShape([1], 0)).toThrow(/piece length/);
  });

  it('refuses peer requests beyond a file\'s short last piece and serves the exact ones', () => {
    const A = connected(pieceAlignedShape(files, PIECE));
    A.s.unchoke();
    A.s.receive(encodeRequest({ index: 1, begin: 0, length: BLOCK })); // piece 1 is 7232 bytes
    A.s.receive(encodeRequest({ index: 2, begin: BLOCK, length: 1 })); // piece 2 is one block
    A.s.receive(encodeRequest({ index: 3, begin: 0, length: 1001 }));
    expect(A.s.violations).toBe(3);
    A.s.receive(encodeRequest({ index: 1, begin: 0, length: 7232 }));
    A.s.receive(encodeRequest({ index: 2, begin: 0, length: BLOCK }));
    A.s.receive(encodeRequest({ index: 3, begin: 0, length: 1000 }));
    A.s.receive(encodeRequest({ index: 0, begin: BLOCK, length: BLOCK }));
    expect(A.s.violations).toBe(3);
    expect(A.events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && e.index)).toEqual([1, 2, 3, 0]);
  });

  it('requests only inside the short pieces and fails a block of the wrong length', () => {
    const A = connected(pieceAlignedShape(files, PIECE));
    A.s.receive(encodeUnchoke());
    expect(A.s.request(1, 0, BLOCK)).toBe(false);
    expect(A.s.request(2, BLOCK, BLOCK)).toBe(false);
    expect(A.s.request(1, 0, 7232)).toBe(true);
    expect(A.s.request(3, 0, 1000)).toBe(true);
    A.s.receive(encodePiece(1, 0, pattern(BLOCK)));
    A.s.receive(encodePiece(3, 0, pattern(1000)));
    expect(A.events.find((e) => e.type === 'request-failed')).toMatchObject({ reason: 'invalid', index: 1, length: 7232 });
    expect(A.events.filter((e) => e.type === 'block').length).toBe(1);
    expect(A.s.violations).toBe(1);
  });

  it('setTorrent compares piece sizes, not just the totals', () => {
    const A = new PeerSession({ infoHash, peerId: pattern(20, 1), onSend: () => {}, onEvent: () => {} });
    A.setTorrent(pieceAlignedShape([40000, 16384], PIECE));
    A.setTorrent(pieceAlignedShape([40000, 16384], PIECE)); // same layout, another function: no-op
    // Same piece count, piece length and total, different short pieces.
    expect(() => A.setTorrent(pieceAlignedShape([16384, 40000], PIECE))).toThrow(/already set/);
  });
});

describe('hybrid torrents', () => {
  it('use the v1 shape with pad files: requests covering pad bytes are valid', () => {
    // The same files in a hybrid torrent: pad files fill each file's last piece, so the v1 view has
    // full pieces except the very last one.
    const A = connected({ pieceCount: 4, pieceLength: PIECE, totalLength: 3 * PIECE + 1000 });
    A.s.unchoke();
    A.s.receive(encodeRequest({ index: 1, begin: BLOCK, length: BLOCK })); // all pad bytes
    A.s.receive(encodeRequest({ index: 2, begin: BLOCK, length: BLOCK }));
    A.s.receive(encodeRequest({ index: 3, begin: 0, length: 1001 }));
    expect(A.s.violations).toBe(1);
    expect(A.events.filter((e) => e.type === 'request').length).toBe(2);
  });
});

describe('validBlock', () => {
  it('checks a block against the piece it is in, the length bound, and integers', () => {
    const v1 = { pieceCount: 3, pieceLength: PIECE, totalLength: 2 * PIECE + 10 };
    expect(validBlock(v1, 0, PIECE - BLOCK, BLOCK, BLOCK)).toBe(true);
    expect(validBlock(v1, 0, PIECE - BLOCK + 1, BLOCK, BLOCK)).toBe(false); // crosses into piece 1
    expect(validBlock(v1, 2, 0, 10, BLOCK)).toBe(true);
    expect(validBlock(v1, 2, 0, 11, BLOCK)).toBe(false); // the short last piece
    expect(validBlock(v1, 3, 0, 1, BLOCK)).toBe(false);
    expect(validBlock(v1, 0, 0, BLOCK + 1, BLOCK)).toBe(false);
    expect(validBlock(v1, 0, 0, 0, BLOCK)).toBe(false);
    expect(validBlock(v1, 0, 0.5, 1, BLOCK)).toBe(false);
    expect(validBlock(pieceAlignedShape(files, PIECE), 1, 7000, 232, BLOCK)).toBe(true);
    expect(validBlock(pieceAlignedShape(files, PIECE), 1, 7000, 233, BLOCK)).toBe(false);
  });

  it('without a shape checks only the wire\'s uint32 ranges', () => {
    expect(validBlock(undefined, 0xffffffff, 0xffffffff - 1, 1, BLOCK)).toBe(true);
    expect(validBlock(undefined, 2 ** 32, 0, 1, BLOCK)).toBe(false);
    expect(validBlock(undefined, -1, 0, 1, BLOCK)).toBe(false);
  });
});
