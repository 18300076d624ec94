// The walk on unusual names: bytes that are not UTF-8 (legal on Linux, written as-is by mktorrent)
// and roots given as `.` or `..`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetainfoError } from '../errors.ts';
import { makeTree } from '../hash/test-files.ts';
import { createTorrent } from './create-torrent.ts';
import { parseTorrent } from '../parse/parse-torrent.ts';
import { verifyTorrent } from '../verify/verify.ts';
import { torrentPath } from './found-file.ts';
import { rootName, walk } from './walk-node.ts';

const fixed = { creationDate: null, threads: 0 } as const;
// Deno's node:fs reads such names only as text (U+FFFD), so it cannot open them.
const lossyNames = (globalThis as { Deno?: unknown }).Deno !== undefined;
let t: { dir: string; cleanup: () => void };

beforeAll(() => {
  t = makeTree({ 'bad/good': 3, 'badsub/good': 2, 'dots/a/b/f': 1 });
  if (process.platform === 'linux') {
    // Made by the shell: not every runtime's node:fs can create a name that is not UTF-8.
    execFileSync('sh', ['-c', `printf bad > "$(printf '${t.dir}/bad/\\377\\376-x')" && mkdir "$(printf '${t.dir}/badsub/sub\\351')" && printf in > "$(printf '${t.dir}/badsub/sub\\351/f')"`]);
  }
});
afterAll(() => t.cleanup());

async function failure(p: Promise<unknown>): Promise<MetainfoError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MetainfoError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe.skipIf(process.platform !== 'linux')('names that are not UTF-8', () => {
  it.skipIf(lossyNames)('are read as bytes, kept as U+DC80..U+DCFF escapes in the torrent path', async () => {
    const bad = await walk(join(t.dir, 'bad'));
    expect(bad.files.map((f) => torrentPath(f)).sort()).toEqual([['good'], ['\udcff\udcfe-x']]);
    expect(bad.files.find((f) => f.name !== 'good')!.length).toBe(3);
    const sub = await walk(join(t.dir, 'badsub'));
    expect(sub.files.map((f) => torrentPath(f)).sort()).toEqual([['good'], ['sub\udce9', 'f']]);
    expect(sub.files.find((f) => f.name === 'f')!.length).toBe(2);
  });

  it.skipIf(lossyNames)('are hashed and written as their raw bytes, in-thread and in workers alike', async () => {
    const inThread = await createTorrent(join(t.dir, 'badsub'), fixed);
    const workers = await createTorrent(join(t.dir, 'badsub'), { ...fixed, threads: 2 });
    expect(workers.infoHash).toBe(inThread.infoHash);
    // the path is the file's own bytes (E9, not its UTF-8 replacement), as mktorrent writes it
    const bytes = Buffer.from(inThread.torrent);
    expect(bytes.includes(Buffer.from([0x34, 0x3a, 0x73, 0x75, 0x62, 0xe9]))).toBe(true); // 4:sub\xE9
    expect(bytes.includes(Buffer.from('\uFFFD'))).toBe(false);
    // files in torrent order: good (2 bytes), sub\xE9/f ('in')
    const data = Buffer.concat([readFileSync(join(t.dir, 'badsub', 'good')), Buffer.from('in')]);
    expect(Buffer.from(parseTorrent(inThread.torrent).pieces)).toEqual(createHash('sha1').update(data).digest());
    const verified = await verifyTorrent(parseTorrent(inThread.torrent), t.dir, { threads: 0 });
    expect(verified.complete).toBe(true);
  });

  it.skipIf(!lossyNames)('are reported by name where the runtime cannot read them as bytes', async () => {
    const err = await failure(createTorrent(join(t.dir, 'bad'), fixed));
    expect(err.code).toBe('METAINFO_FILE_UNREADABLE');
    expect(err.message).toContain('\\uFFFD\\uFFFD-x');
    expect(err.message).toContain('--exclude');
    expect(err.message).not.toMatch(/no such file/i);
  });

  it('can be left out with an exclude pattern', async () => {
    const r = await createTorrent(join(t.dir, 'bad'), { ...fixed, exclude: ['*-x'] });
    expect(r.files).toEqual([{ path: ['good'], length: 3 }]);
    const sub = await createTorrent(join(t.dir, 'badsub'), { ...fixed, exclude: ['/sub?'] });
    expect(sub.files).toEqual([{ path: ['good'], length: 2 }]);
  });
});

describe('root names', () => {
  it('name a torrent of `.` or `..` after the directory it stands for', async () => {
    const a = join(t.dir, 'dots', 'a');
    expect(rootName(join(a, 'b', '..'))).toBe('a');
    expect(rootName(`${a}/.`)).toBe('a');
    expect(rootName(`${a}/b/..`)).toBe('a');
    expect(rootName('.')).toBe(basename(process.cwd()));
    expect((await createTorrent(`${a}/.`, fixed)).name).toBe('a');
    expect((await createTorrent(`${a}/b/..`, fixed)).name).toBe('a');
    expect((await createTorrent(`${a}/b/../`, fixed)).name).toBe('a');
  });

  it('refuse a root that has no name unless one is given', async () => {
    const err = await failure(createTorrent('/', { ...fixed, exclude: ['*'] }));
    expect(err.code).toBe('METAINFO_MISSING_NAME');
  });

  it('report a malformed exclude pattern as a typed error', async () => {
    mkdirSync(join(t.dir, 'ex'), { recursive: true });
    writeFileSync(join(t.dir, 'ex', 'f'), 'f');
    const err = await failure(createTorrent(join(t.dir, 'ex'), { ...fixed, exclude: ['[z-a]'] }));
    expect(err.code).toBe('METAINFO_INVALID_EXCLUDE');
    expect(err.message).toContain('"[z-a]"');
  });
});
