// File names are limited to 255 bytes (ext4, XFS, Btrfs, APFS), not 255 characters: a longer name
// from a custom pathOf must be refused up front, not fail the first write of that file mid-download.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.ts';
import { createLayout } from './layout.ts';
import { assertSafeComponents } from './safe-path.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-storage-long-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('long names', () => {
  it('a component over 255 bytes of UTF-8 is STORAGE_UNSAFE_PATH, however few characters it has', () => {
    for (const name of ['日'.repeat(86), 'é'.repeat(128), '😀'.repeat(64), 'a'.repeat(256)]) {
      expect(() => assertSafeComponents(['d', name])).toThrowError(expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }));
      const layout = createLayout({ pieceLength: 4, files: [{ path: ['d', name], length: 4 }] });
      expect(() => new FileStore(layout, { root: dir, pathOf: (f) => f.path })).toThrowError(expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }));
    }
  });

  it('names of exactly 255 bytes are kept and can be written', async () => {
    const names = ['日'.repeat(85), 'é'.repeat(127) + 'a', '😀'.repeat(63) + 'abc', 'a'.repeat(255)];
    const layout = createLayout({ pieceLength: 4, files: names.map((name) => ({ path: ['d', name], length: 4 })) });
    for (const name of names) expect(() => assertSafeComponents([name])).not.toThrow();
    const store = new FileStore(layout, { root: dir, pathOf: (f) => f.path });
    for (let i = 0; i < names.length; i++) await store.write(i, 0, Uint8Array.of(1, 2, 3, 4));
    await store.close();
  });
});
