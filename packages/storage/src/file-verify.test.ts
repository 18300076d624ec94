import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, resumeFiles, verifyFiles } from './file-store.ts';
import { defaultDigests, hashFiles, rootFromPieceLayer, startHashWorkers } from '@torrentkit/metainfo';
import { createLayout, layoutFromTorrent } from './layout.ts';
import { createResumeRecord } from './resume.ts';
import { decodeResumeRecord, encodeResumeRecord } from './resume-codec.ts';
import { Storage } from './storage.ts';
import { verify } from './verify.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-verify-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PIECE = 16 * 1024;
const layout = createLayout({
  pieceLength: PIECE,
  files: [
    { path: ['t', 'a.bin'], length: 40_000 },
    { path: ['t', '.pad', '9152'], length: 9152, pad: true },
    { path: ['t', 'sub', 'b.bin'], length: 50_001 },
    { path: ['t', 'empty'], length: 0 },
  ],
});

function fixture(): { a: Uint8Array; b: Uint8Array; pieces: Uint8Array } {
  const a = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 13) & 255);
  const b = Uint8Array.from({ length: 50_001 }, (_, i) => (i * 7 + 1) & 255);
  const stream = new Uint8Array(40_000 + 9152 + 50_001);
  stream.set(a, 0);
  stream.set(b, 49_152);
  const pieces = new Uint8Array(layout.pieceCount * 20);
  for (let p = 0; p < layout.pieceCount; p++) pieces.set(createHash('sha1').update(stream.subarray(p * PIECE, (p + 1) * PIECE)).digest(), p * 20);
  writeFileSync(join(dir, 't', 'a.bin'), a);
  writeFileSync(join(dir, 't', 'sub', 'b.bin'), b);
  return { a, b, pieces };
}

function ageFiles(...paths: string[]): void {
  const past = new Date(Date.now() - 60_000);
  for (const p of paths) utimesSync(p, past, past);
}

describe('verifyFiles (metainfo workers)', () => {
  it('finds every good piece, and the bad ones after corruption', async () => {
    mkdirSync(join(dir, 't', 'sub'), { recursive: true });
    const { b, pieces } = fixture();
    const store = new FileStore(layout, { root: dir, readOnly: true });
    const all = await verifyFiles(layout, store, pieces, { threads: 2 });
    expect(all.complete).toBe(true);
    b[20_000] = b[20_000]! ^ 0xff; // byte 49152 + 20000 = piece 4
    writeFileSync(join(dir, 't', 'sub', 'b.bin'), b);
    const bits = await verifyFiles(layout, store, pieces, { threads: 1 });
    expect(Array.from({ length: layout.pieceCount }, (_, i) => bits.has(i))).toEqual([true, true, true, true, false, true, true]);
    await store.close();
  });

  it('runs on lent workers, which stay open for the next check', async () => {
    mkdirSync(join(dir, 't', 'sub'), { recursive: true });
    const { b, pieces } = fixture();
    const store = new FileStore(layout, { root: dir, readOnly: true });
    const workers = startHashWorkers(2);
    try {
      expect((await verifyFiles(layout, store, pieces, { workers })).complete).toBe(true);
      b[0] = b[0]! ^ 0xff; // byte 49152 = first byte of piece 3
      writeFileSync(join(dir, 't', 'sub', 'b.bin'), b);
      const bits = await verifyFiles(layout, store, pieces, { workers });
      expect(Array.from({ length: layout.pieceCount }, (_, i) => bits.has(i))).toEqual([true, true, true, false, true, true, true]);
    } finally {
      await workers.close();
      await store.close();
    }
  });

  it('checks the paths again on every call: a directory swapped for a symlink since the last check is refused', async () => {
    mkdirSync(join(dir, 't', 'sub'), { recursive: true });
    const { pieces } = fixture(); // good data in dir/t: the swap below points at it from inside the root
    const root = join(dir, 'root');
    mkdirSync(join(root, 't', 'sub'), { recursive: true });
    cpSync(join(dir, 't'), join(root, 't'), { recursive: true });
    const store = new FileStore(layout, { root, readOnly: true });
    expect((await verifyFiles(layout, store, pieces, { threads: 1 })).complete).toBe(true);
    renameSync(join(root, 't', 'sub'), join(root, 't', 'sub.old'));
    symlinkSync(join(dir, 't', 'sub'), join(root, 't', 'sub'));
    await expect(verifyFiles(layout, store, pieces, { threads: 1 })).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    await store.close();
  });

  it('does not read through a symlink that leaves the root', async () => {
    mkdirSync(join(dir, 'root', 't'), { recursive: true });
    mkdirSync(join(dir, 't', 'sub'), { recursive: true });
    const { pieces } = fixture(); // the real data lies outside the root
    symlinkSync(join(dir, 't', 'sub'), join(dir, 'root', 't', 'sub'));
    const store = new FileStore(layout, { root: join(dir, 'root'), readOnly: true });
    await expect(verifyFiles(layout, store, pieces)).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    await store.close();
  });

  it('resumes without hashing when nothing changed, rechecks when a file changed', async () => {
    mkdirSync(join(dir, 't', 'sub'), { recursive: true });
    const { pieces } = fixture();
    // written well before the record: files modified within an mtime tick of it are rechecked anyway
    ageFiles(join(dir, 't', 'a.bin'), join(dir, 't', 'sub', 'b.bin'));
    const store = new FileStore(layout, { root: dir });
    const first = await resumeFiles(layout, store, pieces, undefined, { threads: 2 });
    expect(first.fullRecheck).toBe(true);
    expect(first.bitfield.complete).toBe(true);
    // persisted as bytes (mtimes kept to the microsecond) and read back on restart
    const record = decodeResumeRecord(encodeResumeRecord(await createResumeRecord(new Storage(layout, store), first.bitfield, pieces)));
    // a restart: a new store over the same files
    const store2 = new FileStore(layout, { root: dir });
    expect(await resumeFiles(layout, store2, pieces, record)).toMatchObject({ fullRecheck: false, rechecked: 0 });
    // touching a.bin (same size, new mtime) forces its pieces to be hashed again
    utimesSync(join(dir, 't', 'a.bin'), new Date(), new Date(Date.now() + 5000));
    const store3 = new FileStore(layout, { root: dir });
    const after = await resumeFiles(layout, store3, pieces, record);
    expect(after).toMatchObject({ fullRecheck: false, changedFiles: [0], rechecked: 3 });
    expect(after.bitfield.complete).toBe(true);
    for (const s of [store, store2, store3]) await s.close();
  });
});

describe('a directory where a file should be', () => {
  it('marks that file\'s pieces missing in every recheck instead of failing', async () => {
    mkdirSync(join(dir, 't', 'sub'), { recursive: true });
    const { pieces } = fixture();
    rmSync(join(dir, 't', 'sub', 'b.bin'));
    mkdirSync(join(dir, 't', 'sub', 'b.bin'));
    const store = new FileStore(layout, { root: dir, readOnly: true });
    const flags = (bits: { has(p: number): boolean }) => Array.from({ length: layout.pieceCount }, (_, p) => bits.has(p));
    // a.bin fills pieces 0-2 (with the pad); b.bin pieces 3-6
    const expected = [true, true, true, false, false, false, false];
    expect(flags(await verifyFiles(layout, store, pieces, { threads: 2 }))).toEqual(expected);
    expect(flags(await verify(new Storage(layout, store), pieces))).toEqual(expected);
    // a few pieces: checked in-thread, without workers
    const few = await verifyFiles(layout, store, pieces, { pieces: [0, 4] });
    expect([few.has(0), few.has(4)]).toEqual([true, false]);
    await store.close();
  });
});

describe('verifyFiles on a v2 layout (BEP 52 piece layers)', () => {
  it('checks every piece of piece-aligned files against the merkle hashes', async () => {
    const v2 = layoutFromTorrent({
      version: 'v2',
      pieceLength: PIECE,
      files: [
        { path: ['t', 'big.bin'], length: 50_000 }, // 4 pieces, the last short
        { path: ['t', 'small.bin'], length: 100 }, // one piece: its hash is the pieces root
        { path: ['t', 'zero'], length: 0 },
      ],
    });
    expect([0, 1, 2, 3, 4].map((i) => v2.pieceSize(i))).toEqual([PIECE, PIECE, PIECE, 50_000 - 3 * PIECE, 100]);
    mkdirSync(join(dir, 't'), { recursive: true });
    const big = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 5) & 255);
    writeFileSync(join(dir, 't', 'big.bin'), big);
    writeFileSync(join(dir, 't', 'small.bin'), new Uint8Array(100).fill(3));
    writeFileSync(join(dir, 't', 'zero'), new Uint8Array(0));
    const hashed = await hashFiles(
      v2.files.map((f) => ({ path: join(dir, ...f.path), length: f.length })),
      { pieceLength: PIECE, mode: 'v2', threads: 0 },
    );
    const piecesRoots: (Uint8Array | undefined)[] = hashed.files.map((f) => f.piecesRoot);
    const pieceLayers = new Map<string, Uint8Array>();
    // files larger than a piece: metainfo returns the layer; the root comes from it
    hashed.files.forEach((f, i) => {
      if (f.pieceLayer) {
        const root = rootFromPieceLayer(defaultDigests(), f.pieceLayer, PIECE);
        piecesRoots[i] = root;
        pieceLayers.set(Buffer.from(root).toString('hex'), f.pieceLayer);
      }
    });
    const store = new FileStore(v2, { root: dir });
    expect((await verifyFiles(v2, store, { piecesRoots, pieceLayers }, { threads: 2 })).complete).toBe(true);
    big[40_000] = big[40_000]! ^ 1; // piece 2 of big.bin
    writeFileSync(join(dir, 't', 'big.bin'), big);
    const bits = await verifyFiles(v2, store, { piecesRoots, pieceLayers }, { threads: 1 });
    expect([0, 1, 2, 3, 4].map((i) => bits.has(i))).toEqual([true, true, false, true, true]);
    await expect(verifyFiles(v2, store, new Uint8Array(100))).rejects.toMatchObject({ code: 'STORAGE_INVALID_LAYOUT' });
    // a v2 resume record matches the same roots on the next start: no recheck
    ageFiles(...['big.bin', 'small.bin', 'zero'].map((n) => join(dir, 't', n)));
    const v2Hashes = { piecesRoots, pieceLayers };
    const record = await createResumeRecord(new Storage(v2, store), bits, v2Hashes);
    expect(await resumeFiles(v2, store, v2Hashes, record, { threads: 1 })).toMatchObject({ fullRecheck: false, rechecked: 0 });
    await store.close();
  });
});

describe('FileStore paths', () => {
  it('sanitises hostile torrent paths by default and refuses files that collide', async () => {
    const hostile = createLayout({ pieceLength: 4, files: [{ path: ['..', '..', 'etc', 'x'], length: 4 }] });
    const store = new FileStore(hostile, { root: join(dir, 'r') });
    await store.write(0, 0, Uint8Array.of(1, 2, 3, 4));
    expect(store.pathFor(0)).toBe(join(dir, 'r', 'etc', 'x'));
    await store.close();
    const twins = createLayout({ pieceLength: 4, files: [{ path: ['a', '..', 'b'], length: 4 }, { path: ['a', 'b'], length: 4 }] });
    expect(() => new FileStore(twins, { root: dir })).toThrowError(expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }));
    const fileAndDir = createLayout({ pieceLength: 4, files: [{ path: ['a'], length: 4 }, { path: ['a', 'b'], length: 4 }] });
    expect(() => new FileStore(fileAndDir, { root: dir })).toThrowError(expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }));
  });
});
