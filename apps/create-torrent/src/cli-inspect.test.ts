// show, magnet and verify on torrents made by the CLI, run as child processes.

import { appendFileSync, mkdirSync, openSync, closeSync, writeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTorrent } from '@torrentkit/metainfo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { runCli } from './testing/run-cli.ts';

const T = 60_000;

describe('show, magnet, verify', () => {
  let dir = '';
  let cleanup = (): void => {};
  let data = '';
  const torrents: Record<'v1' | 'v2' | 'hybrid' | 'single', string> = { v1: '', v2: '', hybrid: '', single: '' };

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    data = writeTree(join(dir, 'data'), { 'one.bin': 100_000, 'two/three.bin': 50_000, 'two/four.txt': 'four\n' });
    writeTree(dir, { 'solo.bin': 40_000 });
    const common = ['-a', 'http://127.0.0.1:7/announce', '-w', 'http://127.0.0.1:8/ws/', '-c', 'hi there', '-s', 'SRC', '-p', '-q', '-l', '16K'];
    const runs = await Promise.all([
      runCli([data, '-o', (torrents.v1 = join(dir, 'v1.torrent')), ...common]),
      runCli([data, '-o', (torrents.v2 = join(dir, 'v2.torrent')), '--v2', ...common]),
      runCli([data, '-o', (torrents.hybrid = join(dir, 'hybrid.torrent')), '--hybrid', ...common]),
      runCli([join(dir, 'solo.bin'), '-o', (torrents.single = join(dir, 'single.torrent')), '-q']),
    ]);
    for (const r of runs) if (r.code !== 0) throw new Error(`setup failed: ${r.stderr}`);
  }, T);
  afterAll(() => cleanup());

  function parsed(path: string) {
    const b = readFileSync(path);
    return parseTorrent(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }

  it('show prints the fields and the file list', async () => {
    const t = parsed(torrents.hybrid);
    const r = await runCli(['show', torrents.hybrid]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const re of [/^name\s+data$/m, /^version\s+hybrid$/m, new RegExp(`^info hash\\s+${t.infoHash}$`, 'm'),
      new RegExp(`^info hash v2\\s+${t.infoHashV2}$`, 'm'), /^size\s+.*150005 bytes\) in 3 files$/m, /^private\s+yes$/m,
      /^tier 1\s+http:\/\/127\.0\.0\.1:7\/announce$/m, /^web seed\s+http:\/\/127\.0\.0\.1:8\/ws\/$/m, /^source\s+SRC$/m,
      /^comment\s+hi there$/m, /^created by\s+torrentkit create-torrent\//m, /^created\s+\d{4}-\d\d-\d\dT/m, /^magnet\s+magnet:\?/m,
      /^files:$/m, /^\s+100000  data\/one\.bin$/m, /^\s+50000  data\/two\/three\.bin$/m, /^\s+5  data\/two\/four\.txt$/m]) {
      expect(r.stdout).toMatch(re);
    }
    expect(r.stdout).not.toContain('.pad'); // pad files are not listed
  }, T);

  it('show --json matches create --json and the file', async () => {
    const r = await runCli(['show', '--json', torrents.v2]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const t = parsed(torrents.v2);
    expect(j).toMatchObject({
      name: 'data', version: 'v2', infoHash: null, infoHashV2: t.infoHashV2, length: 150_005, pieceLength: 16384,
      pieceCount: t.pieceCount, fileCount: 3, trackers: [['http://127.0.0.1:7/announce']], webSeeds: ['http://127.0.0.1:8/ws/'],
      private: true, source: 'SRC', comment: 'hi there',
    });
    expect('output' in j).toBe(false);
    expect(j.files).toEqual([
      { path: 'data/one.bin', length: 100_000 }, { path: 'data/two/four.txt', length: 5 }, { path: 'data/two/three.bin', length: 50_000 },
    ]);
  }, T);

  it('show rejects what is not a torrent, in one line', async () => {
    const junk = join(dir, 'junk.torrent');
    writeFileSync(junk, 'd4:infoi1ee');
    const r1 = await runCli(['show', junk]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/^create-torrent: .*junk\.torrent is not a valid torrent: .+\n$/);
    const r2 = await runCli(['show', join(dir, 'missing.torrent')]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/^create-torrent: cannot read .*missing\.torrent: no such file\n$/);
    const r3 = await runCli(['magnet', dir]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/is a directory, not a \.torrent file\n$/);
  }, T);

  it('magnet prints the link with both hashes, name, tracker and web seed', async () => {
    const t = parsed(torrents.hybrid);
    const r = await runCli(['magnet', torrents.hybrid]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`magnet:?xt=urn:btih:${t.infoHash}&xt=urn:btmh:1220${t.infoHashV2}&dn=data`
      + '&tr=http://127.0.0.1:7/announce&ws=http://127.0.0.1:8/ws/\n');
  }, T);

  it('verify passes on intact data for v1, v2, hybrid and single-file torrents', async () => {
    const runs = await Promise.all([
      runCli(['verify', torrents.v1, data]),
      runCli(['verify', torrents.v2, data]),
      runCli(['verify', torrents.hybrid, data, '-t', '1']),
      runCli(['verify', torrents.single, join(dir, 'solo.bin')]),
      runCli(['verify', torrents.single, dir]), // a directory holding the single file works too
      runCli(['verify', torrents.hybrid, dir]), // and a download directory holding the torrent's directory
    ]);
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^ok: all \d+ pieces of (data|solo\.bin) match\n$/);
      expect(r.code).toBe(0);
    }
  }, T);

  it('verify finds a damaged piece, names the file, exits 1', async () => {
    const copy = writeTree(join(dir, 'damaged'), {});
    mkdirSync(join(copy, 'two'), { recursive: true });
    for (const f of ['one.bin', 'two/three.bin', 'two/four.txt']) writeFileSync(join(copy, f), readFileSync(join(data, f)));
    const fd = openSync(join(copy, 'one.bin'), 'r+');
    writeSync(fd, new Uint8Array([0xff ^ readFileSync(join(data, 'one.bin'))[20_000]!]), 0, 1, 20_000); // inside piece 1
    closeSync(fd);
    for (const kind of ['v1', 'v2', 'hybrid'] as const) {
      const r = await runCli(['verify', torrents[kind], copy]);
      expect(r.code, kind).toBe(1);
      expect(r.stdout, kind).toMatch(/^FAILED: 1 of \d+ pieces of data do not match\nbad pieces: 1\nbad file: data\/one\.bin\n$/);
      const j = await runCli(['verify', torrents[kind], copy, '--json']);
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, name: 'data', badPieces: [1], badFiles: ['data/one.bin'] });
    }
  }, T);

  it('verify counts missing and truncated files as bad', async () => {
    const copy = join(dir, 'partial');
    mkdirSync(join(copy, 'two'), { recursive: true });
    writeFileSync(join(copy, 'one.bin'), readFileSync(join(data, 'one.bin')).subarray(0, 60_000));
    writeFileSync(join(copy, 'two/four.txt'), readFileSync(join(data, 'two/four.txt')));
    appendFileSync(join(copy, 'two/four.txt'), ''); // unchanged
    const r = await runCli(['verify', torrents.v1, copy, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    expect(j.badFiles).toEqual(['data/one.bin', 'data/two/four.txt', 'data/two/three.bin']); // four.txt shares a piece with both
    expect(j.goodPieces).toBeGreaterThan(0);
    rmSync(copy, { recursive: true });
  }, T);

  it('verify: missing PATH and progress', async () => {
    const r = await runCli(['verify', torrents.v1, join(dir, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`create-torrent: no such file or directory: ${join(dir, 'nowhere')}\n`);
    const p = await runCli(['verify', torrents.v1, data], { env: { CREATE_TORRENT_PROGRESS: 'always' } });
    expect(p.code).toBe(0);
    expect(p.stderr).toContain('\rverifying [');
  }, T);
});
