// Runs the two examples of README.md in a temporary directory: "Building, hashing and verifying
// torrents" builds photos.torrent from ./photos and verifies it, then "Example" (show.ts) prints it.
// The code inside each marked region is copied verbatim from the README (keep them in sync: the
// 'in sync' tests fail when they drift apart). The imports of both examples are merged below (one
// module cannot import a name twice); `console` is a local stand-in that records what is printed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTorrent,
  formatMagnet,
  magnetFromTorrent,
  MetainfoError,
  parseTorrent,
  sanitizePath,
  verifyTorrent,
} from '@torrentkit/metainfo';

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

/** Fails when the `index`th ```ts block of the README and the copy in this file have drifted apart. */
function expectInSync(index: number): void {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = lines([...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)[index]!);
  const here = lines(readFileSync(new URL(import.meta.url), 'utf8'));
  const imported = here.join('\n');
  // every name the README imports is imported here from the same module
  for (const m of block.join('\n').matchAll(/import (?:\{([^}]*)\}|(\w+)) from '([^']+)';/g)) {
    for (const name of (m[1] ?? m[2]!).split(',').map((n) => n.trim()).filter(Boolean)) {
      expect(imported).toMatch(new RegExp(`import (\\{[^}]*\\b${name}\\b[^}]*\\}|${name}) from '${m[3]}'`));
    }
  }
  const body = block.filter((l) => !l.startsWith('import ') && !l.startsWith('// show.ts'));
  const start = here.indexOf(body[0]!);
  expect(start, 'first line of the README example not found in this test').toBeGreaterThanOrEqual(0);
  expect(here.slice(start, start + body.length)).toEqual(body);
}

/**
 * Runs the README's show.ts example with `arg` as its argument: what it printed, the exit status after
 * it and the one before. The process's argv and exit code are restored after.
 */
function runShowExample(arg: string): { logged: unknown[][]; errors: unknown[][]; status: unknown; before: unknown } {
  const logged: unknown[][] = [];
  const errors: unknown[][] = [];
  const console = { log: (...a: unknown[]) => void logged.push(a), error: (...a: unknown[]) => void errors.push(a) };
  const argv = process.argv.splice(2, Infinity, arg);
  const exitCode = process.exitCode;
  try {
    // ---- README.md, Example (verbatim, imports above) ----
    const path = process.argv[2] ?? 'x.torrent';
    try {
      const t = parseTorrent(new Uint8Array(readFileSync(path)));
      const data = t.files.filter((f) => !f.pad); // t.files and t.length include BEP 47 pad files
      console.log(`${t.name} (${t.version}): ${data.reduce((n, f) => n + f.length, 0)} bytes in ${data.length} files`);
      console.log(`${t.pieceCount} pieces of ${t.pieceLength} bytes`);
      if (t.infoHash) console.log(`v1 info hash ${t.infoHash}`);
      if (t.infoHashV2) console.log(`v2 info hash ${t.infoHashV2}`);
      for (const f of data) console.log(`  ${sanitizePath(f.path).join('/')}  ${f.length}`);
      console.log(formatMagnet(magnetFromTorrent(t)));
    } catch (err) {
      if (!(err instanceof MetainfoError)) throw err;
      console.error(`not a valid torrent: ${err.code} (${err.message})`);
      process.exitCode = 1;
    }
    // ---- end of example ----
    return { logged, errors, status: process.exitCode, before: exitCode };
  } finally {
    process.argv.splice(2, Infinity, ...argv);
    process.exitCode = exitCode ?? 0; // Bun keeps a 1 when `undefined` is assigned
  }
}

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

describe('README', () => {
  let dir: string;
  let cwd: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-metainfo-readme-'));
    mkdirSync(join(dir, 'photos/sub'), { recursive: true });
    writeFileSync(join(dir, 'photos/a.jpg'), bytes(100_000, 1));
    writeFileSync(join(dir, 'photos/empty.txt'), new Uint8Array(0));
    writeFileSync(join(dir, 'photos/sub/b.jpg'), bytes(7_000, 2));
    // the examples use relative paths ('./photos', 'photos.torrent', '.')
    cwd = process.cwd();
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Building, hashing and verifying torrents: a hybrid of ./photos, then verified', async () => {
    const logged: unknown[][] = [];
    const errors: unknown[][] = [];
    const console = { log: (...a: unknown[]) => void logged.push(a), error: (...a: unknown[]) => void errors.push(a) };
    {
      // ---- README.md, "Building, hashing and verifying torrents" (verbatim, imports above) ----
      // v1 (default), 'v2' (BEP 52) or 'hybrid' (both, with BEP 47 pad files)
      const t = await createTorrent('./photos', {
        version: 'hybrid',
        announce: [['http://127.0.0.1:8000/announce'], ['udp://127.0.0.1:8000']], // BEP 12 tiers
        comment: 'holiday',
        creationDate: null, // omit: the same files then always give the same bytes
        onProgress: ({ bytes, totalBytes }) => console.error(`${((100 * bytes) / totalBytes).toFixed(0)}%`),
      });
      writeFileSync('photos.torrent', t.torrent);
      console.log(t.infoHash, t.infoHashV2, `${t.pieceCount} x ${t.pieceLength}`);

      // later: which pieces of the data in '.' (the directory holding `photos/`) are intact?
      const parsed = parseTorrent(new Uint8Array(await readFile('photos.torrent')));
      const { have, pieceCount, bitfield } = await verifyTorrent(parsed, '.');
      console.log(`${have}/${pieceCount} pieces good`);
      // ---- end of example ----
      expect(bitfield).toEqual(new Uint8Array([0xff]));
    }
    expect(logged).toHaveLength(2);
    expect(logged[0]).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/), expect.stringMatching(/^[0-9a-f]{64}$/), '8 x 16384']);
    expect(logged[1]).toEqual(['8/8 pieces good']);
    expect(errors.at(-1)).toEqual(['100%']);
    const t = parseTorrent(new Uint8Array(readFileSync('photos.torrent')));
    expect(t.version).toBe('hybrid');
    expect(t.comment).toBe('holiday');
    expect(t.creationDate).toBeUndefined();
    expect(t.announceList).toEqual([['http://127.0.0.1:8000/announce'], ['udp://127.0.0.1:8000']]);
  }, 60_000);

  it('Example (show.ts): prints a torrent, its files without pad files, and its magnet link', () => {
    const { logged, errors, status, before } = runShowExample('photos.torrent');
    expect(status).toBe(before);
    const t = parseTorrent(new Uint8Array(readFileSync('photos.torrent')));
    expect(logged.map((l) => l.join(' '))).toEqual([
      'photos (hybrid): 107000 bytes in 3 files',
      '8 pieces of 16384 bytes',
      `v1 info hash ${t.infoHash}`,
      `v2 info hash ${t.infoHashV2}`,
      '  photos/a.jpg  100000',
      '  photos/empty.txt  0',
      '  photos/sub/b.jpg  7000',
      `magnet:?xt=urn:btih:${t.infoHash}&xt=urn:btmh:1220${t.infoHashV2}&dn=photos&tr=http://127.0.0.1:8000/announce&tr=udp://127.0.0.1:8000`,
    ]);
    expect(errors).toEqual([]);
    // the pad files the example leaves out: after a.jpg and after b.jpg
    expect(t.files.filter((f) => f.pad).map((f) => f.length)).toEqual([14688, 9384]);
    expect(t.length).toBe(131072);
  });

  it('Example (show.ts) on a file that is not a torrent: a MetainfoError code and exit status 1', () => {
    const { logged, errors, status } = runShowExample('photos/a.jpg');
    expect(status).toBe(1);
    expect(logged).toEqual([]);
    expect(errors).toEqual([[expect.stringMatching(/^not a valid torrent: METAINFO_INVALID_BENCODE \(/)]]);
  });

  it('the copies above are the README examples', () => {
    expectInSync(0);
    expectInSync(1);
  });
});
