// verifyTorrent must find the files a torrent was made from, names legal on POSIX but changed by
// sanitizePath included (`\`, control characters, non-UTF-8 bytes), without ever leaving its root.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTorrent } from '../build/create-torrent.ts';
import { makeTree } from '../hash/test-files.ts';
import { parseTorrent } from '../parse/parse-torrent.ts';
import { textBytes } from '../util/text.ts';
import { createFileLocator } from './locate.ts';
import { verifyTorrent, type VerifiableTorrent } from './verify.ts';

const g = globalThis as { Deno?: unknown };
const deno = g.Deno !== undefined;
const posixHost = process.platform !== 'win32';
const PL = 16384;

describe('createFileLocator', () => {
  it('keeps safe components as they are and sanitises the rest (POSIX rules)', async () => {
    const locate = await createFileLocator('/root', { windows: false });
    expect(locate(['d', 'back\\slash'])).toBe(posix.join('/root', 'd', 'back\\slash'));
    expect(locate(['d', 'tab\tname'])).toBe(posix.join('/root', 'd', 'tab\tname'));
    // Anything that could leave the root or is not a name: the whole path sanitised.
    expect(locate(['..', 'etc', 'passwd'])).toBe(posix.join('/root', 'etc', 'passwd'));
    expect(locate(['a/b', 'c'])).toBe(posix.join('/root', 'a_b', 'c'));
    expect(locate(['a\u0000b'])).toBe(posix.join('/root', 'a_b'));
    expect(locate(['', 'x'])).toBe(posix.join('/root', 'x'));
  });

  it('applies the Windows rules when asked', async () => {
    const locate = await createFileLocator('/root', { windows: true });
    expect(locate(['back\\slash'])).toMatch(/back_slash$/);
    expect(locate(['con.txt'])).toMatch(/_con\.txt$/);
    expect(locate(['bad\udcffbyte'])).toMatch(/bad_byte$/);
    // Characters beyond U+FFFF are surrogate pairs in JS strings, not escaped bytes: names stay as they are.
    for (const name of ['\u{1F4A9}.txt', '\u{1F480}', '\u{20BB7}\u{2A6D6}']) {
      expect(locate(['dir', name])).toBe(join('/root', 'dir', name));
    }
  });

  it('never points outside the root', async () => {
    const root = resolve('/srv/data');
    const component = fc.oneof(
      fc.constantFrom('..', '.', '', '/', '\\', 'C:', 'con', 'a\u0000', '\udcff', '\ud800', 'x'.repeat(300)),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    for (const windows of [false, true]) {
      const locate = await createFileLocator(root, { windows });
      fc.assert(fc.property(fc.array(component, { maxLength: 5 }), (components) => {
        const where = locate(components);
        if (typeof where === 'string') {
          const rel = relative(root, where);
          expect(rel !== '' && !rel.startsWith('..') && !isAbsolute(rel), where).toBe(true);
        }
        else if (where instanceof Uint8Array) {
          // Only whole safe paths become bytes: no separator or dot-component can be in them.
          expect(windows).toBe(false);
          expect(components.every((c) => c !== '' && c !== '.' && c !== '..' && !c.includes('/') && !c.includes('\u0000'))).toBe(true);
        }
      }), { numRuns: 300 });
    }
  });
});

describe.skipIf(!posixHost)('verifyTorrent finds files under their real names', () => {
  let t: { dir: string; cleanup: () => void };
  beforeAll(() => {
    t = makeTree({ 'set/back\\slash': 20_000, 'set/tab\tname': 5, 'set/QQQ': 30_000, 'set/plain': 100 });
  });
  afterAll(() => t.cleanup());

  async function build(version: 'v1' | 'v2' | 'hybrid') {
    const r = await createTorrent(join(t.dir, 'set'), { version, pieceLength: PL, threads: 0, creationDate: null });
    return parseTorrent(r.torrent);
  }

  it('names with a backslash or a control character (v1, v2, hybrid; with workers too)', async () => {
    for (const version of ['v1', 'v2', 'hybrid'] as const) {
      const torrent = await build(version);
      for (const threads of [0, 2]) {
        const r = await verifyTorrent(torrent, t.dir, { threads });
        expect(r.complete, `${version} ${threads}`).toBe(true);
        expect(r.unavailable).toEqual([]);
      }
    }
  });

  it('falls back to the sanitised name when only that exists (a FileStore download)', async () => {
    const torrent = await build('v1');
    const { dir, cleanup } = makeTree({});
    try {
      const { cpSync } = await import('node:fs');
      cpSync(join(t.dir, 'set'), join(dir, 'set'), { recursive: true });
      renameSync(join(dir, 'set', 'back\\slash'), join(dir, 'set', 'back_slash'));
      renameSync(join(dir, 'set', 'tab\tname'), join(dir, 'set', 'tab_name'));
      expect((await verifyTorrent(torrent, dir, { threads: 0 })).complete).toBe(true);
    } finally {
      cleanup();
    }
  });

  // A torrent naming `QQQ` by the bytes FF FE E9 (not UTF-8; parse keeps them as U+DCxx escapes).
  function withByteName(torrent: VerifiableTorrent): VerifiableTorrent {
    return { ...torrent, files: torrent.files.map((f) => ({ ...f, path: f.path.map((c) => (c === 'QQQ' ? '\udcff\udcfe\udce9' : c)) })) };
  }
  const byteName = (dir: string): Uint8Array => textBytes(`${dir}/set/\udcff\udcfe\udce9`);

  it('non-UTF-8 names: read by their bytes on Node and Bun, never a look-alike file', async () => {
    const { dir, cleanup } = makeTree({});
    try {
      const { cpSync } = await import('node:fs');
      cpSync(join(t.dir, 'set'), join(dir, 'set'), { recursive: true });
      // The decoy has the name the escapes turn into as UTF-8 text (U+FFFD each) and the right
      // bytes: reading it instead of the real file must not pass.
      const decoy = join(dir, 'set', '\ufffd\ufffd\ufffd');
      renameSync(join(dir, 'set', 'QQQ'), decoy);
      const torrents = [withByteName(await build('v1')), withByteName(await build('v2'))];
      for (const torrent of torrents) {
        const before = await verifyTorrent(torrent, dir, { threads: 0 });
        expect(before.complete, torrent.version).toBe(false);
        const index = torrent.files.findIndex((f) => f.path.includes('\udcff\udcfe\udce9'));
        // Deno's node:fs cannot open byte names: the file is reported, its pieces bad.
        expect(before.unavailable).toEqual(deno ? [{ index, reason: expect.stringMatching(/not valid UTF-8/) }] : []);
      }
      if (deno) return;
      renameSync(decoy, byteName(dir) as unknown as string);
      expect(existsSync(byteName(dir) as unknown as string)).toBe(true);
      for (const torrent of torrents) {
        for (const threads of [0, 2]) {
          const r = await verifyTorrent(torrent, dir, { threads });
          expect(r.complete, `${torrent.version} ${threads}`).toBe(true);
        }
      }
      // Data of the wrong size behind the real name is still bad.
      writeFileSync(byteName(dir) as unknown as string, new Uint8Array(10));
      expect((await verifyTorrent(torrents[0]!, dir, { threads: 0 })).complete).toBe(false);
    } finally {
      cleanup();
    }
  });
});
