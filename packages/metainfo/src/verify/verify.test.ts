import { openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTorrent } from '../build/create-torrent.ts';
import { makeTree } from '../hash/test-files.ts';
import { parseTorrent } from '../parse/parse-torrent.ts';
import { hasPiece, verifyTorrent } from './verify.ts';

let t: { dir: string; cleanup: () => void };
const PL = 16384;

beforeAll(() => {
  // `z` is zeros: a missing copy of it would hash right, so missing data must count as bad by itself.
  t = makeTree({ 'set/a': 50_000, 'set/b': 100, 'set/c/d': 3 * PL, 'set/z': new Uint8Array(PL), 'one.bin': 70_000 });
});
afterAll(() => t.cleanup());

async function build(path: string, version: 'v1' | 'v2' | 'hybrid') {
  const r = await createTorrent(join(t.dir, path), { version, pieceLength: PL, threads: 0, creationDate: null });
  return parseTorrent(r.torrent);
}

function bits(bitfield: Uint8Array, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += hasPiece(bitfield, i) ? '1' : '0';
  return s;
}

describe('verifyTorrent', () => {
  it('reports every piece good for intact data (v1, v2, hybrid; single and multi-file)', async () => {
    for (const version of ['v1', 'v2', 'hybrid'] as const) {
      for (const path of ['set', 'one.bin']) {
        const torrent = await build(path, version);
        const r = await verifyTorrent(torrent, t.dir);
        expect(r.complete, `${version} ${path}`).toBe(true);
        expect(r.have).toBe(r.pieceCount);
        expect(r.pieceCount).toBe(torrent.pieceCount);
      }
    }
  });

  it('finds a corrupted piece and missing files, with workers too', async () => {
    const torrents = await Promise.all((['v1', 'v2', 'hybrid'] as const).map((v) => build('set', v)));
    const { dir, cleanup } = makeTree({});
    try {
      // Copy of the data with one byte changed in c/d's second piece and z removed.
      await damagedCopy(dir);
      rmSync(join(dir, 'set/z'));
      // file order: a (50,000), b (100), c/d (3 pieces), z (1 piece)
      const v1 = await verifyTorrent(torrents[0]!, dir, { threads: 2 });
      // v1: 115,636 bytes -> 8 pieces; the changed byte is at 66,491 (piece 4), z covers pieces 6-7.
      expect(bits(v1.bitfield, v1.pieceCount)).toBe('11110100');
      const v2 = await verifyTorrent(torrents[1]!, dir, { threads: 0 });
      // v2 pieces: a (4), b (1), c/d (3), z (1)
      expect(bits(v2.bitfield, v2.pieceCount)).toBe('111111010');
      const hybrid = await verifyTorrent(torrents[2]!, dir, { threads: 1 });
      expect(bits(hybrid.bitfield, hybrid.pieceCount)).toBe('111111010');
      expect(hybrid.complete).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('reports progress up to the total and stops on abort', async () => {
    const torrent = await build('set', 'hybrid');
    let last = { bytes: 0, totalBytes: -1, pieces: 0, totalPieces: -1 };
    await verifyTorrent(torrent, t.dir, { threads: 0, chunkSize: PL, onProgress: (p) => { last = p; } });
    expect(last.bytes).toBe(last.totalBytes);
    expect(last.pieces).toBe(last.totalPieces);
    const ac = new AbortController();
    ac.abort();
    await expect(verifyTorrent(torrent, t.dir, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('treats data in the wrong place as bad without throwing', async () => {
    const torrent = await build('one.bin', 'v1');
    const r = await verifyTorrent(torrent, join(t.dir, 'nowhere'));
    expect(r.have).toBe(0);
    writeFileSync(join(t.dir, 'short.bin'), new Uint8Array(10));
    const r2 = await verifyTorrent(torrent, t.dir, { resolvePath: () => join(t.dir, 'short.bin') });
    expect(r2.have).toBe(0);
  });

  it('checks v2 files whole against their pieces root when `piece layers` is absent (BEP 52 allows it)', async () => {
    const torrent = await build('set', 'v2');
    expect(torrent.pieceLayers.size).toBeGreaterThan(0);
    const bare = { ...torrent, pieceLayers: new Map<string, Uint8Array>() };
    const intact = await verifyTorrent(bare, t.dir, { threads: 0 });
    expect(bits(intact.bitfield, intact.pieceCount)).toBe('111111111');
    const { dir, cleanup } = makeTree({});
    try {
      await damagedCopy(dir);
      // pieces: a (4), b (1), c/d (3), z (1). Without its layer c/d is good or bad as a whole.
      for (const threads of [0, 2]) {
        const r = await verifyTorrent(bare, dir, { threads });
        expect(bits(r.bitfield, r.pieceCount)).toBe('111110001');
      }
      // With the layers only the damaged piece is bad.
      const layered = await verifyTorrent(torrent, dir, { threads: 0 });
      expect(bits(layered.bitfield, layered.pieceCount)).toBe('111111011');
      // A missing file without its layer: all its pieces bad, even if zeros would hash right.
      rmSync(join(dir, 'set/a'));
      const gone = await verifyTorrent(bare, dir, { threads: 0 });
      expect(bits(gone.bitfield, gone.pieceCount)).toBe('000010001');
    } finally {
      cleanup();
    }
  });
});

/** Copies the `set` tree into `dir` with one byte changed in the second piece of c/d. */
async function damagedCopy(dir: string): Promise<void> {
  const { cpSync } = await import('node:fs');
  cpSync(join(t.dir, 'set'), join(dir, 'set'), { recursive: true });
  const fd = openSync(join(dir, 'set/c/d'), 'r+');
  writeSync(fd, new Uint8Array([1]), 0, 1, PL + 7);
  closeSync(fd);
}
