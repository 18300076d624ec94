// Every failure is a StorageError (README): wrong arguments too, never a TypeError or RangeError.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { StorageError, type StorageErrorCode } from './errors.ts';
import { FileStore, verifyFiles } from './file-store.ts';
import { createLayout, layoutFromTorrent } from './layout.ts';
import { MemoryStore } from './memory-store.ts';
import { Storage } from './storage.ts';
import { verify } from './verify.ts';

async function codeOf(fn: () => unknown): Promise<StorageErrorCode> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof StorageError) return err.code;
    throw new Error(`expected a StorageError, got ${String(err)}`);
  }
  throw new Error('expected a StorageError, nothing was thrown');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-args-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Two pieces of 16 bytes.
const layout = createLayout({ pieceLength: 16, files: [{ path: ['a'], length: 20 }] });

/** A FileStore over `layout` that counts how often a file's path is looked up. */
function countingStore(): { store: FileStore; examined: () => number } {
  const store = new FileStore(layout, { root: dir });
  let examined = 0;
  const realPath = store.realPath.bind(store);
  store.realPath = (file) => {
    examined++;
    return realPath(file);
  };
  return { store, examined: () => examined };
}

describe('verifyFiles refuses bad arguments up front', () => {
  it('a selection outside the torrent is STORAGE_PIECE_OUT_OF_RANGE, as with verify, before any file is looked at', async () => {
    const { store, examined } = countingStore();
    for (const pieces of [[9], [0, 2], [-1], [0.5], [Number.NaN]]) {
      expect(await codeOf(() => verifyFiles(layout, store, new Uint8Array(40), { pieces, threads: 1 }))).toBe('STORAGE_PIECE_OUT_OF_RANGE');
    }
    expect(examined()).toBe(0);
  });
  it('piece hashes of the wrong length, or an `into` of the wrong size, are STORAGE_INVALID_LAYOUT', async () => {
    const store = new FileStore(layout, { root: dir });
    expect(await codeOf(() => verifyFiles(layout, store, new Uint8Array(20), { threads: 1 }))).toBe('STORAGE_INVALID_LAYOUT');
    expect(await codeOf(() => verifyFiles(layout, store, new Uint8Array(40), { threads: 1, into: new Bitfield(1) }))).toBe('STORAGE_INVALID_LAYOUT');
    expect(await codeOf(() => verifyFiles(layout, store, new Uint8Array(40), { threads: 1, into: new Bitfield(5) }))).toBe('STORAGE_INVALID_LAYOUT');
    const v2 = createLayout({ version: 2, pieceLength: 16, files: [{ path: ['a'], length: 20 }] });
    const store2 = new FileStore(v2, { root: dir });
    expect(await codeOf(() => verifyFiles(v2, store2, null as never, { threads: 1 }))).toBe('STORAGE_INVALID_LAYOUT');
  });
  // threads: NaN hashed nothing and reported every piece missing; chunkSize: NaN was a RangeError.
  it('threads that are not whole numbers of at least 0, or a chunkSize that is not above 0, are STORAGE_INVALID_ARGUMENT, before any file is looked at', async () => {
    const { store, examined } = countingStore();
    for (const bad of [Number.NaN, -1, 1.5, Infinity, '2' as unknown as number]) {
      expect(await codeOf(() => verifyFiles(layout, store, new Uint8Array(40), { threads: bad }))).toBe('STORAGE_INVALID_ARGUMENT');
    }
    for (const bad of [Number.NaN, 0, -1, Infinity, '2' as unknown as number]) {
      expect(await codeOf(() => verifyFiles(layout, store, new Uint8Array(40), { threads: 1, chunkSize: bad }))).toBe('STORAGE_INVALID_ARGUMENT');
    }
    expect(examined()).toBe(0);
    // threads 0 hashes on the calling thread, as in metainfo: it is accepted and checks the pieces.
    const zero = await verifyFiles(layout, store, new Uint8Array(40), { threads: 0 });
    expect(zero.length).toBe(layout.pieceCount);
  });
});

describe('Bitfield', () => {
  it('a bad length or too few bytes is STORAGE_INVALID_ARGUMENT', async () => {
    for (const n of [-1, 1.5, Number.NaN, 2 ** 32]) expect(await codeOf(() => new Bitfield(n))).toBe('STORAGE_INVALID_ARGUMENT');
    expect(await codeOf(() => new Bitfield(9, new Uint8Array(1)))).toBe('STORAGE_INVALID_ARGUMENT');
    expect(new Bitfield(9, new Uint8Array(2)).length).toBe(9);
  });
  it('set outside the bitfield is STORAGE_PIECE_OUT_OF_RANGE', async () => {
    const bits = new Bitfield(2);
    for (const i of [99, 2, -1, 2.5]) expect(await codeOf(() => bits.set(i))).toBe('STORAGE_PIECE_OUT_OF_RANGE');
    expect(bits.count).toBe(0);
  });
  it('has is false for anything that is not a piece index of the bitfield', () => {
    const bits = Bitfield.full(10);
    for (const i of [1.5, 0.1, 9.9, -1, -0.5, 10, 2 ** 32 + 1, Number.NaN, Infinity, '1' as never]) expect(bits.has(i)).toBe(false);
    for (let i = 0; i < 10; i++) expect(bits.has(i)).toBe(true);
    bits.set(1, false);
    expect(bits.has(1)).toBe(false);
    expect(bits.has(2)).toBe(true);
  });
});

describe('FileStore options', () => {
  it('a missing options object or root, or a bad maxOpenFiles or pathOf, is STORAGE_INVALID_ARGUMENT', async () => {
    const bad = [undefined, null, {}, { root: 42 }, { root: dir, maxOpenFiles: 0 }, { root: dir, maxOpenFiles: 1.5 }, { root: dir, maxOpenFiles: '8' }, { root: dir, pathOf: 'a' }];
    for (const options of bad) expect(await codeOf(() => new FileStore(layout, options as never))).toBe('STORAGE_INVALID_ARGUMENT');
    expect(new FileStore(layout, { root: dir, maxOpenFiles: 1 }).root).toBe(dir);
  });
});

describe('Store positions', () => {
  // node:fs reads and writes at the handle's current offset for a negative or NaN position, and a
  // negative subarray start counts from the end: either way the wrong bytes, without an error.
  it('a negative, fractional, NaN or unsafe position is STORAGE_BLOCK_OUT_OF_RANGE for reads and writes', async () => {
    const content = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
    const stores = [new FileStore(layout, { root: dir }), new MemoryStore(layout)];
    for (const store of stores) {
      await store.write(0, 0, content);
      for (const position of [-1, -5, 1.5, NaN, 2 ** 60]) {
        const target = new Uint8Array(3);
        expect(await codeOf(() => store.read(0, position, target))).toBe('STORAGE_BLOCK_OUT_OF_RANGE');
        expect(await codeOf(() => store.write(0, position, Uint8Array.of(99, 99)))).toBe('STORAGE_BLOCK_OUT_OF_RANGE');
      }
      const back = new Uint8Array(20);
      expect(await store.read(0, 0, back)).toBe(20);
      expect(back).toEqual(content);
      await store.close();
    }
  });

  it('MemoryStore refuses a read of a file the layout does not have, as FileStore does', async () => {
    for (const store of [new FileStore(layout, { root: dir }), new MemoryStore(layout)]) {
      expect(await codeOf(() => store.read(7, 0, new Uint8Array(2)))).toBe('STORAGE_BLOCK_OUT_OF_RANGE');
    }
  });
});

describe('verify batchBytes', () => {
  // NaN made every batch empty: nothing was hashed and every piece came back missing, with no error.
  it('anything but a positive number is STORAGE_INVALID_ARGUMENT; Infinity or a huge one checks everything at once', async () => {
    const lay = createLayout({ pieceLength: 16, files: [{ path: ['a'], length: 40 }] });
    const content = Uint8Array.from({ length: 40 }, (_, i) => i);
    const hashes = new Uint8Array(60);
    for (let p = 0; p < 3; p++) {
      const digest = await crypto.subtle.digest('SHA-1', content.slice(p * 16, Math.min(40, p * 16 + 16)));
      hashes.set(new Uint8Array(digest), p * 20);
    }
    const storage = new Storage(lay, new MemoryStore(lay, { files: [content] }));
    for (const batchBytes of [NaN, 0, -1, '1024' as unknown as number]) {
      expect(await codeOf(() => verify(storage, hashes, { batchBytes }))).toBe('STORAGE_INVALID_ARGUMENT');
    }
    for (const batchBytes of [undefined, 1, 1.5, 20, Infinity, 2 ** 40]) {
      expect((await verify(storage, hashes, { batchBytes })).count).toBe(3);
    }
  });
});

describe('createLayout input', () => {
  it('missing or malformed files are STORAGE_INVALID_LAYOUT', async () => {
    const bad = [undefined, null, { pieceLength: 16 }, { pieceLength: 16, files: 'a' }, { pieceLength: 16, files: [null] },
      { pieceLength: 16, files: [{ length: 1 }] }, { pieceLength: 16, files: [{ path: 'abc', length: 1 }] }, { pieceLength: 16, files: [{ path: [1], length: 1 }] }];
    for (const input of bad) expect(await codeOf(() => createLayout(input as never))).toBe('STORAGE_INVALID_LAYOUT');
    for (const torrent of [undefined, { version: 'v1', pieceLength: 16 }, { version: 'v1', pieceLength: 16, files: [null] }]) {
      expect(await codeOf(() => layoutFromTorrent(torrent as never))).toBe('STORAGE_INVALID_LAYOUT');
    }
  });
});
