// Our info hashes against independent creators on the same files: mktorrent (v1) and libtorrent's
// own creator (v2 and hybrid). Both are third-party BitTorrent programs, so this runs only inside
// ../shared/tools/netns-run (the root `pnpm test` does that), and skips when they are missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex, makeTree } from '../hash/test-files.ts';
import { parseTorrent } from '../parse/parse-torrent.ts';
import { createTorrent } from './create-torrent.ts';

const isolated = (() => {
  try {
    // /proc/net/dev lists the interfaces of this process's network namespace (sysfs may not).
    const names = readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter(Boolean);
    return names.length > 0 && names.every((n) => n === 'lo');
  } catch {
    return false;
  }
})();
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const hasLibtorrent = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import libtorrent']).status === 0;
const why = !isolated ? 'not inside ../shared/tools/netns-run' : '';
if (why) console.warn(`interop tests skipped: ${why}`);
if (!has('mktorrent')) console.warn('mktorrent tests skipped: mktorrent is not installed');
if (!hasLibtorrent) console.warn('libtorrent tests skipped: python3-libtorrent is not installed');
const ltScript = new URL('./lt-create.py', import.meta.url).pathname;

let t: { dir: string; cleanup: () => void };
beforeAll(() => {
  // Names that sort differently by full path and by component (a-b vs a/), an empty file after an
  // unaligned one, odd sizes and a one-block file.
  t = makeTree({
    'data/a/x': 5000, 'data/a-b/three': 65536, 'data/b.bin': 40000, 'data/empty': 0, 'data/notes': 5,
    'data/sub/two': 17000, 'data/sub/zz': 1000, 'data/big': 300_001, 'solo.bin': 100_000,
  });
});
afterAll(() => t.cleanup());

describe.skipIf(!isolated || !has('mktorrent'))('v1 info hash = mktorrent', () => {
  for (const [path, pl] of [['data', 32768], ['data', 262144], ['solo.bin', 32768]] as const) {
    it(`${path} at ${pl / 1024} KiB pieces${path === 'data' ? ', private' : ''}`, async () => {
      const out = join(t.dir, `m-${pl}.torrent`);
      const args = ['-l', String(Math.log2(pl)), '-o', out, '-a', 'http://127.0.0.1:1/announce', join(t.dir, path)];
      if (path === 'data') args.unshift('-p');
      const r = spawnSync('mktorrent', args, { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const theirs = parseTorrent(new Uint8Array(readFileSync(out)));
      rmSync(out);
      const ours = await createTorrent(join(t.dir, path), { pieceLength: pl, private: path === 'data', threads: 2 });
      expect(ours.infoHash).toBe(theirs.infoHash);
    });
  }
});

describe.skipIf(!isolated || !hasLibtorrent)('v2 and hybrid info hashes = libtorrent create_torrent', () => {
  for (const version of ['v2', 'hybrid'] as const) {
    for (const [path, pl] of [['data', 16384], ['data', 65536], ['solo.bin', 16384]] as const) {
      it(`${version} ${path} at ${pl / 1024} KiB pieces`, async () => {
        const r = spawnSync('/usr/bin/python3', [ltScript, join(t.dir, path), String(pl), version], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        const theirs = JSON.parse(r.stdout) as { v1?: string; v2: string };
        const ours = await createTorrent(join(t.dir, path), { pieceLength: pl, version, threads: 2 });
        expect(ours.infoHashV2).toBe(theirs.v2);
        expect(ours.infoHash).toBe(theirs.v1);
      });
    }
  }
});

describe('libtorrent-free checks that always run', () => {
  it('the helper script and data exist', () => {
    expect(existsSync(ltScript)).toBe(true);
    expect(hex(new Uint8Array([1, 255]))).toBe('01ff');
  });
});
