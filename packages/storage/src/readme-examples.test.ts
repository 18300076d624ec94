// Runs the example of README.md in a temporary directory. The code inside the marked region is copied
// verbatim from the README (keep the two in sync: the 'in sync' test fails when they drift apart);
// `console` is a local stand-in that records what the example prints, so its results can be checked.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { describe, expect, it } from 'vitest';
import { Storage, createLayout, createResumeRecord, encodeResumeRecord } from '@torrentkit/storage';
import { FileStore, resumeFiles } from '@torrentkit/storage/file-store';
import { decodeResumeRecord } from '@torrentkit/storage';

/** The `index`th ```ts block of this package's README, and this file's text, as trimmed non-empty lines. */
function readmeBlock(index: number): { block: string[]; here: string[] } {
  const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return { block: lines(blocks[index]!), here: lines(readFileSync(new URL(import.meta.url), 'utf8')) };
}

/** Fails when the README's example and the copy in this file have drifted apart. */
function expectInSync(index: number): void {
  const { block, here } = readmeBlock(index);
  const imports = block.filter((l) => l.startsWith('import '));
  const body = block.filter((l) => !l.startsWith('import '));
  for (const l of imports) expect(here).toContain(l);
  const start = here.indexOf(body[0]!);
  expect(start, 'first line of the README example not found in this test').toBeGreaterThanOrEqual(0);
  expect(here.slice(start, start + body.length)).toEqual(body);
}

describe('README', () => {
  it('Example: writes across a pad file, rechecks, records and resumes', async () => {
    const logged: unknown[][] = [];
    const console = { log: (...args: unknown[]) => void logged.push(args) };
    // the example uses './downloads': run it in a directory of its own
    const dir = mkdtempSync(join(tmpdir(), 'tk-storage-readme-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      // ---- README.md, Example (verbatim, imports above) ----
      // A parsed torrent (from @torrentkit/metainfo) has these fields; paths start with the torrent name.
      const layout = createLayout({
        pieceLength: 16384,
        files: [
          { path: ['album', 'a.flac'], length: 20000 },
          { path: ['album', '.pad', '12768'], length: 12768, pad: true }, // zeros: hashed, never stored
          { path: ['album', 'b.flac'], length: 5000 },
        ],
      });
      const store = new FileStore(layout, { root: './downloads' }); // paths are sanitised and confined
      const storage = new Storage(layout, store);

      // A block that straddles a.flac and the pad file: the pad part is dropped.
      await storage.writeBlock(1, 0, new Uint8Array(16384));
      console.log((await storage.readBlock(1, 3600, 16)).length); // 16

      // On start: trust the last session's bitfield if no file changed, else recheck what changed.
      const pieces = new Uint8Array(layout.pieceCount * 20); // the torrent's v1 piece hashes
      const { bitfield, fullRecheck } = await resumeFiles(layout, store, pieces, undefined);
      console.log(bitfield.count, fullRecheck); // 0 true
      await storage.complete(); // when every piece is in: creates empty files, fsyncs
      // At shutdown, after a flush (complete() did one): save these bytes, pass decodeResumeRecord(them) next time.
      const record = encodeResumeRecord(await createResumeRecord(storage, bitfield, pieces));
      await storage.close();
      // ---- end of example ----

      expect(logged).toEqual([[16], [0, true]]);
      expect(readFileSync(join(dir, 'downloads/album/a.flac')).length).toBe(20000);
      expect(existsSync(join(dir, 'downloads/album/.pad'))).toBe(false); // pad bytes are never stored
      expect(existsSync(join(dir, 'downloads/album/b.flac'))).toBe(false); // nothing written to it yet
      // the record it saved lets the next start skip the recheck
      const next = new FileStore(layout, { root: './downloads' });
      const resumed = await resumeFiles(layout, next, pieces, decodeResumeRecord(record));
      await next.close();
      expect(resumed.fullRecheck).toBe(false);
      expect(resumed.rechecked).toBe(0);
      expect(resumed.bitfield.count).toBe(0);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('the copy above is the README example', () => expectInSync(0));

  it('Errors: a directory where a file should be, or a file where a directory should be, is STORAGE_IO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-storage-readme-'));
    try {
      const layout = createLayout({ pieceLength: 16384, files: [{ path: ['t', 'a'], length: 100 }, { path: ['t', 'b'], length: 100 }] });
      mkdirSync(join(dir, 't/a'), { recursive: true });
      writeFileSync(join(dir, 't/b'), new Uint8Array(100));
      const storage = new Storage(layout, new FileStore(layout, { root: dir }));
      await expect(storage.readBlock(0, 0, 10)).rejects.toMatchObject({ name: 'StorageError', code: 'STORAGE_IO' });
      const nested = createLayout({ pieceLength: 16384, files: [{ path: ['t', 'b', 'c'], length: 100 }] });
      const store = new FileStore(nested, { root: dir });
      await expect(new Storage(nested, store).writeBlock(0, 0, new Uint8Array(1))).rejects.toMatchObject({ name: 'StorageError', code: 'STORAGE_IO' });
      await store.close();
      await storage.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
