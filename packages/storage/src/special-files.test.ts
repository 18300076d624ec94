// Symlinks inside the root that lead to something other than a regular file: a FIFO (opening it
// would block a thread for good) or a directory (no data). Both hold none of the torrent's bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, resumeFiles, verifyFiles } from './file-store.ts';
import { createLayout } from './layout.ts';
import { createResumeRecord } from './resume.ts';
import { Storage } from './storage.ts';
import { Bitfield } from './bitfield.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tk-storage-special-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const layout = createLayout({ pieceLength: 16, files: [{ path: ['a'], length: 16 }, { path: ['b'], length: 16 }] });
const data = new Uint8Array(16).fill(7);
const pieces = new Uint8Array(40);
pieces.set(createHash('sha1').update(data).digest(), 0);
pieces.set(createHash('sha1').update(data).digest(), 20);

const linux = process.platform === 'linux';

describe.skipIf(!linux)('a symlink to something that is not a regular file', () => {
  for (const kind of ['fifo', 'directory'] as const) {
    it(`(${kind}) is refused by reads and stat, and rechecks count its pieces missing without hanging`, async () => {
      writeFileSync(join(root, 'a'), data);
      if (kind === 'fifo') execFileSync('mkfifo', [join(root, 'target')]);
      else mkdirSync(join(root, 'target'));
      symlinkSync('target', join(root, 'b'));
      const store = new FileStore(layout, { root, readOnly: true });
      await expect(store.read(1, 0, new Uint8Array(16))).rejects.toMatchObject({ code: 'STORAGE_IO' });
      await expect(store.stat(1)).rejects.toMatchObject({ code: 'STORAGE_IO' });
      const storage = new Storage(layout, store);
      const flags = (b: Bitfield) => [b.has(0), b.has(1)];
      expect(flags(await verifyFiles(layout, store, pieces, { threads: 2 }))).toEqual([true, false]);
      const record = await createResumeRecord(storage, Bitfield.full(2), pieces);
      expect(record.files[1]).toBeNull();
      const r = await resumeFiles(layout, store, pieces, record, { threads: 1 });
      expect(flags(r.bitfield)).toEqual([true, false]);
      await store.close();
    }, 20_000);
  }
});
