// On case-insensitive file systems (NTFS, FAT, and macOS's default APFS) names that differ only in
// case are one file: two torrent files there would overwrite each other's pieces.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.ts';
import { createLayout } from './layout.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-storage-case-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const of = (...paths: string[][]) => createLayout({ pieceLength: 4, files: paths.map((path) => ({ path, length: 4 })) });
const caseSensitiveHost = process.platform !== 'win32' && process.platform !== 'darwin';

describe('FileStore with names that differ only in case', () => {
  it('refuses two files on one path under the Windows rules', () => {
    expect(() => new FileStore(of(['t', 'README'], ['t', 'readme']), { root: dir, windows: true })).toThrowError(
      expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH', message: 'two files map to "t/readme"' }),
    );
    expect(() => new FileStore(of(['T', 'a'], ['t', 'A']), { root: dir, windows: true })).toThrowError(
      expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }),
    );
  });

  it('refuses a file where another one needs a directory under the Windows rules', () => {
    expect(() => new FileStore(of(['t', 'Docs'], ['t', 'docs', 'x']), { root: dir, windows: true })).toThrowError(
      expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }),
    );
  });

  it.skipIf(!caseSensitiveHost)('keeps them apart where the file system tells them apart', () => {
    expect(() => new FileStore(of(['t', 'README'], ['t', 'readme']), { root: dir, windows: false })).not.toThrow();
  });
});
