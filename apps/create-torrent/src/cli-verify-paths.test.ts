// `verify` finds the data where it is: names legal on POSIX but not portable, non-UTF-8 names, a
// data directory holding a subfolder with the torrent's name, a v2 single file whose file tree key
// differs from `name`, and v2 torrents without `piece layers`.

import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { runCli, runtime } from './testing/run-cli.ts';

const T = 60_000;
const posixHost = process.platform !== 'win32';

/** `bytes` with every occurrence of `from` replaced by `to` (same length, so bencode stays valid). */
function patch(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const out = bytes.slice();
  outer: for (let i = 0; i + from.length <= out.length; i++) {
    for (let k = 0; k < from.length; k++) if (out[i + k] !== from[k]) continue outer;
    out.set(to, i);
  }
  return out;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('verify finds the data', () => {
  let dir = '';
  let cleanup = (): void => {};
  beforeAll(() => ({ dir, cleanup } = tempDir()));
  afterAll(() => cleanup());

  it.skipIf(!posixHost)('names with a backslash or a control character (v1, v2, hybrid)', async () => {
    const data = writeTree(join(dir, 'odd'), { 'back\\slash': 20_000, 'tab\tname': 5, 'plain': 30_000 });
    // 50,005 bytes in 16 KiB pieces: v1 4 pieces; v2 and hybrid align files to pieces: 2 + 1 + 2.
    for (const [kind, pieces] of [['--v1', 4], ['--v2', 5], ['--hybrid', 5]] as const) {
      const torrent = join(dir, `odd${kind}.torrent`);
      const c = await runCli([data, '-q', '-l', '16K', '--no-date', kind, '-o', torrent]);
      expect(c.stderr).toBe('');
      const r = await runCli(['verify', torrent, data]);
      expect(r.stdout, kind).toBe(`ok: all ${pieces} pieces of odd match\n`);
      expect(r.code).toBe(0);
    }
  }, T);

  it.skipIf(!posixHost)('non-UTF-8 names: read by their bytes, or reported as unreadable (Deno)', async () => {
    const data = writeTree(join(dir, 'bytes'), { 'plain': 30_000, 'zzz': 40_000 });
    const from = ascii('3:zzz');
    const to = Uint8Array.from([0x33, 0x3a, 0xff, 0xfe, 0xe9]);
    const made = join(dir, 'bytes-made.torrent');
    for (const kind of ['--v1', '--v2']) {
      expect((await runCli([data, '-q', '-l', '16K', '--no-date', kind, '-f', '-o', made])).code).toBe(0);
      const torrent = join(dir, `bytes${kind}.torrent`);
      writeFileSync(torrent, patch(new Uint8Array(readFileSync(made)), from, to));
    }
    // The name as UTF-8 text would have it (U+FFFD for each bad byte), holding the right data: a
    // verify that opened this instead of the real name would wrongly pass.
    renameSync(join(data, 'zzz'), join(data, '\ufffd\ufffd\ufffd'));
    if (runtime() !== 'deno') {
      const real = new Uint8Array([...ascii(`${data}/`), 0xff, 0xfe, 0xe9]) as unknown as string;
      for (const kind of ['--v1', '--v2']) {
        const r = await runCli(['verify', join(dir, `bytes${kind}.torrent`), data]);
        expect(r.code, kind).toBe(1);
      }
      writeFileSync(real, readFileSync(join(data, '\ufffd\ufffd\ufffd')));
      writeFileSync(join(data, '\ufffd\ufffd\ufffd'), 'decoy');
      expect(existsSync(real)).toBe(true);
      for (const kind of ['--v1', '--v2']) {
        const r = await runCli(['verify', join(dir, `bytes${kind}.torrent`), data, '-t', '2']);
        expect(r.stdout, kind).toMatch(/^ok: all \d+ pieces of bytes match\n$/);
        expect(r.code).toBe(0);
      }
    } else {
      // Deno's node:fs opens byte names as replacement characters, i.e. the wrong file.
      const r = await runCli(['verify', join(dir, 'bytes--v1.torrent'), data]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^cannot read: bytes\/\ufffd\ufffd\ufffd: its name is not valid UTF-8/m);
      const j = JSON.parse((await runCli(['verify', join(dir, 'bytes--v1.torrent'), data, '--json'])).stdout);
      // JSON keeps the torrent's escapes of the bytes (U+DC80..U+DCFF).
      expect(j.unavailableFiles).toEqual([{ path: 'bytes/\udcff\udcfe\udce9', reason: expect.stringMatching(/not valid UTF-8/) }]);
    }
  }, T);

  it('PATH may hold a subfolder named like the torrent: the reading where the files are wins', async () => {
    const data = writeTree(join(dir, 'data'), { 'docs/r': 1000, 'top': 2000 });
    const torrent = join(dir, 'docs.torrent');
    expect((await runCli([data, '-n', 'docs', '-q', '-o', torrent])).code).toBe(0);
    // PATH is the torrent's directory (what create was given), whose subfolder shares the name...
    const r1 = await runCli(['verify', torrent, data]);
    expect(r1.stdout).toBe('ok: all 1 pieces of docs match\n');
    expect(r1.code).toBe(0);
    // ...or a download directory holding it under its name.
    mkdirSync(join(dir, 'dl'));
    cpSync(data, join(dir, 'dl', 'docs'), { recursive: true });
    const r2 = await runCli(['verify', torrent, join(dir, 'dl')]);
    expect(r2.stdout).toBe('ok: all 1 pieces of docs match\n');
    expect(r2.code).toBe(0);
  }, T);

  it('a v2 single file is found under its file tree key when that differs from the name', async () => {
    writeTree(join(dir, 'solo'), { 'single': 20_000 });
    const made = join(dir, 'single-made.torrent');
    expect((await runCli([join(dir, 'solo', 'single'), '--v2', '-q', '-l', '16K', '--no-date', '-o', made])).code).toBe(0);
    const torrent = join(dir, 'renamed.torrent');
    writeFileSync(torrent, patch(new Uint8Array(readFileSync(made)), ascii('4:name6:single'), ascii('4:name6:othery')));
    for (const path of [join(dir, 'solo'), join(dir, 'solo', 'single')]) {
      const r = await runCli(['verify', torrent, path]);
      expect(r.stdout, path).toBe('ok: all 2 pieces of othery match\n');
      expect(r.code).toBe(0);
    }
  }, T);

  it('a v2 torrent without `piece layers` is checked file by file against each pieces root', async () => {
    const data = writeTree(join(dir, 'layers'), { 'a': 40_000, 'b': 70_000, 'c': 100 });
    const made = join(dir, 'layers-made.torrent');
    expect((await runCli([data, '--v2', '-q', '-l', '16K', '--no-date', '-o', made])).code).toBe(0);
    const bytes = new Uint8Array(readFileSync(made));
    // `piece layers` is the last key of the top-level dictionary here: cut it and close the dict.
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.lastIndexOf('12:piece layersd');
    expect(at).toBeGreaterThan(0);
    const torrent = join(dir, 'nolayers.torrent');
    writeFileSync(torrent, Uint8Array.from([...bytes.subarray(0, at), 0x65]));
    const r = await runCli(['verify', torrent, data]);
    expect(r.stdout).toBe('ok: all 9 pieces of layers match\n');
    expect(r.code).toBe(0);
    const b = new Uint8Array(readFileSync(join(data, 'b')));
    b[50_000] = b[50_000]! ^ 1;
    writeFileSync(join(data, 'b'), b);
    const j = JSON.parse((await runCli(['verify', torrent, data, '--json'])).stdout);
    // pieces: a 0-2, b 3-7, c 8; b has no layer here, so all of it is bad.
    expect(j).toMatchObject({ ok: false, badPieces: [3, 4, 5, 6, 7], badFiles: ['layers/b'] });
  }, T);
});
