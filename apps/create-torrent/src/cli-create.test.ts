// The create command end to end: the real CLI as a child process of the runtime running the tests.

import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTorrent, type ParsedTorrent } from '@torrentkit/metainfo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { innerPath } from './paths.ts';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { runCli, runtime } from './testing/run-cli.ts';

const T = 60_000;

function readTorrentFile(path: string): ParsedTorrent {
  const b = readFileSync(path);
  return parseTorrent(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
}

/** The decoded top-level dict, as the file has it. */
function rawTop(path: string): Record<string, unknown> {
  return readTorrentFile(path).raw as Record<string, unknown>;
}

/** Paths below the torrent's directory, sorted. */
function fileNames(t: ParsedTorrent): string[] {
  return t.files.filter((f) => !f.pad).map((f) => innerPath(t, f).join('/')).sort();
}

describe('create-torrent PATH', () => {
  let dir = '';
  let cleanup = (): void => {};
  let album = '';

  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    album = writeTree(join(dir, 'album'), { 'a.bin': 70_000, 'sub/b.bin': 40_000, 'sub/c.txt': 'hello\n', 'z.bin': 1 });
    writeTree(dir, { 'single.bin': 100_000 });
  });
  afterAll(() => cleanup());

  it('writes NAME.torrent in the cwd and prints a short summary', async () => {
    const cwd = join(dir, 'out1');
    mkdirSync(cwd);
    const r = await runCli([album], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = readTorrentFile(join(cwd, 'album.torrent'));
    expect(t.name).toBe('album');
    expect(t.version).toBe('v1');
    expect(fileNames(t)).toEqual(['a.bin', 'sub/b.bin', 'sub/c.txt', 'z.bin']);
    expect(r.stdout).toMatch(/^name\s+album$/m);
    expect(r.stdout).toMatch(/^size\s+.*110007 bytes\) in 4 files$/m);
    expect(r.stdout).toMatch(new RegExp(`^pieces\\s+${t.pieceCount} x 16 KiB \\(v1\\)$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^info hash\\s+${t.infoHash}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^magnet\\s+magnet:\\?xt=urn:btih:${t.infoHash}&dn=album$`, 'm'));
    expect(r.stdout).toMatch(/^written to\s+album\.torrent$/m);
    expect(r.stdout).not.toContain('info hash v2');
  }, T);

  it('makes a single-file torrent of a file, with created by and a creation date', async () => {
    const cwd = join(dir, 'out2');
    mkdirSync(cwd);
    const before = Math.floor(Date.now() / 1000);
    const r = await runCli([join(dir, 'single.bin')], { cwd });
    expect(r.code).toBe(0);
    const t = readTorrentFile(join(cwd, 'single.bin.torrent'));
    expect(t.files.map((f) => [f.path, f.length])).toEqual([[['single.bin'], 100_000]]);
    expect(t.info['length']).toBe(100_000);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(t.createdBy).toBe(`torrentkit create-torrent/${pkg.version}`);
    expect(t.creationDate).toBeGreaterThanOrEqual(before - 1);
    expect(t.creationDate).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
  }, T);

  it('names the torrent after the directory for `.` and a trailing slash', async () => {
    const r1 = await runCli(['.', '-o', join(dir, 'dot.torrent'), '--json'], { cwd: album });
    expect(r1.code).toBe(0);
    expect(JSON.parse(r1.stdout).name).toBe('album');
    const r2 = await runCli([`${album}/`, '-o', join(dir, 'slash.torrent'), '-q'], { cwd: dir });
    expect(r2.code).toBe(0);
    expect(readTorrentFile(join(dir, 'slash.torrent')).name).toBe('album');
  }, T);

  it('puts every option into the torrent', async () => {
    const out = join(dir, 'opts.torrent');
    const r = await runCli([album, '-o', out, '-a', 'http://127.0.0.1:1/announce', '--tier', 'udp://127.0.0.1:2,udp://127.0.0.1:3',
      '-a', 'https://127.0.0.1:4/announce', '-w', 'http://127.0.0.1:5/files/', '-w', 'http://127.0.0.1:6/', '-p', '-l', '32K',
      '-c', 'a comment', '-s', 'SRC', '-n', 'renamed', '--no-date', '--no-created-by', '-t', '1', '-q'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    const t = readTorrentFile(out);
    expect(t.name).toBe('renamed');
    expect(t.announce).toBe('http://127.0.0.1:1/announce');
    expect(t.announceList).toEqual([['http://127.0.0.1:1/announce'], ['udp://127.0.0.1:2', 'udp://127.0.0.1:3'], ['https://127.0.0.1:4/announce']]);
    expect(t.urlList).toEqual(['http://127.0.0.1:5/files/', 'http://127.0.0.1:6/']);
    expect(t.private).toBe(true);
    expect(t.pieceLength).toBe(32768);
    expect(t.comment).toBe('a comment');
    expect(t.source).toBe('SRC');
    const top = rawTop(out);
    expect('creation date' in top).toBe(false);
    expect('created by' in top).toBe(false);
  }, T);

  it('writes one announce and no announce-list for a single tracker', async () => {
    const out = join(dir, 'one-tracker.torrent');
    const r = await runCli([album, '-o', out, '-a', 'http://127.0.0.1:1/announce', '-q'], { cwd: dir });
    expect(r.code).toBe(0);
    const top = rawTop(out);
    expect(new TextDecoder().decode(top['announce'] as Uint8Array)).toBe('http://127.0.0.1:1/announce');
    expect('announce-list' in top).toBe(false);
  }, T);

  it('--json prints one object with the documented schema', async () => {
    const out = join(dir, 'json.torrent');
    const r = await runCli([album, '-o', out, '--json', '--hybrid', '-a', 'http://127.0.0.1:1/announce'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['comment', 'createdBy', 'creationDate', 'fileCount', 'files', 'infoHash', 'infoHashV2',
      'length', 'magnet', 'name', 'output', 'pieceCount', 'pieceLength', 'private', 'source', 'trackers', 'version', 'webSeeds'].sort());
    const t = readTorrentFile(out);
    expect(j).toMatchObject({
      name: 'album', version: 'hybrid', infoHash: t.infoHash, infoHashV2: t.infoHashV2, length: 110_007, pieceLength: t.pieceLength,
      pieceCount: t.pieceCount, fileCount: 4, trackers: [['http://127.0.0.1:1/announce']], webSeeds: [], private: false,
      source: null, comment: null, output: out,
    });
    expect(typeof j['creationDate']).toBe('number');
    expect(j['magnet']).toBe(`magnet:?xt=urn:btih:${t.infoHash}&xt=urn:btmh:1220${t.infoHashV2}&dn=album&tr=http://127.0.0.1:1/announce`);
    const files = j['files'] as Array<{ path: string; length: number }>;
    // Real files only: the BEP 47 pad files a hybrid carries are not listed.
    expect(files.map((f) => f.path).sort()).toEqual(['album/a.bin', 'album/sub/b.bin', 'album/sub/c.txt', 'album/z.bin']);
  }, T);

  it('create --json says what show --json reads back from the file', async () => {
    const extra = ['-a', 'http://127.0.0.1:1/announce,http://127.0.0.1:2/announce', '-a', 'udp://127.0.0.1:3', '-w', 'http://127.0.0.1:4/',
      '-c', 'c', '-s', 's', '-p', '-l', '16K'];
    for (const [kind, target] of [['v1', album], ['v2', album], ['hybrid', album], ['v1', join(dir, 'single.bin')], ['v2', join(dir, 'single.bin')]] as const) {
      const out = join(dir, `agree-${kind}.torrent`);
      const made = await runCli([target, '-o', out, '-f', '--json', `--${kind}`, ...extra], { cwd: dir });
      expect(made.code, made.stderr).toBe(0);
      const shown = await runCli(['show', '--json', out], { cwd: dir });
      expect(shown.code, shown.stderr).toBe(0);
      const { output, ...fromCreate } = JSON.parse(made.stdout) as Record<string, unknown>;
      expect(output).toBe(out);
      expect(fromCreate, `${kind} ${target}`).toEqual(JSON.parse(shown.stdout));
    }
  }, T);

  it('makes a hybrid torrent of a tree with an empty file', async () => {
    const root = writeTree(join(dir, 'with-empty'), { 'a.bin': 20_000, 'empty.dat': '', 'z.bin': 3 });
    const r = await runCli([root, '-o', join(dir, 'with-empty.torrent'), '--hybrid', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.files).toEqual([{ path: 'with-empty/a.bin', length: 20_000 }, { path: 'with-empty/empty.dat', length: 0 }, { path: 'with-empty/z.bin', length: 3 }]);
    expect(j.infoHash).toMatch(/^[0-9a-f]{40}$/);
    expect(j.infoHashV2).toMatch(/^[0-9a-f]{64}$/);
  }, T);

  it('--v2 makes a v2-only torrent and prints its v2 info hash', async () => {
    const out = join(dir, 'v2.torrent');
    const r = await runCli([album, '-o', out, '--v2'], { cwd: dir });
    expect(r.code).toBe(0);
    const t = readTorrentFile(out);
    expect(t.version).toBe('v2');
    expect(t.infoHash).toBeUndefined();
    expect(r.stdout).toMatch(new RegExp(`^info hash v2\\s+${t.infoHashV2}$`, 'm'));
    expect(r.stdout).not.toMatch(/^info hash\s+[0-9a-f]{40}$/m);
    expect(r.stdout).toContain(`xt=urn:btmh:1220${t.infoHashV2}`);
  }, T);

  it('is deterministic with --no-date, whatever the thread count', async () => {
    const outs = ['det1.torrent', 'det2.torrent', 'det3.torrent'].map((n) => join(dir, n));
    const runs = await Promise.all([
      runCli([album, '-o', outs[0]!, '--no-date', '--hybrid', '-t', '1', '-q'], { cwd: dir }),
      runCli([album, '-o', outs[1]!, '--no-date', '--hybrid', '-t', '2', '-q'], { cwd: dir }),
      runCli([album, '-o', outs[2]!, '--no-date', '--hybrid', '-q'], { cwd: dir }),
    ]);
    for (const r of runs) expect(r.code).toBe(0);
    const first = readFileSync(outs[0]!);
    for (const o of outs.slice(1)) expect(readFileSync(o).equals(first)).toBe(true);
  }, T);

  it('leaves out hidden files unless --include-hidden, and --exclude globs', async () => {
    const root = writeTree(join(dir, 'mixed'), { 'keep.bin': 1000, '.hidden': 10, '.git/config': 5, 'x.tmp': 7, 'deep/y.tmp': 8, 'deep/z.bin': 9 });
    const runs = await Promise.all([
      runCli([root, '-o', join(dir, 'm1.torrent'), '-q'], { cwd: dir }),
      runCli([root, '-o', join(dir, 'm2.torrent'), '--include-hidden', '-q'], { cwd: dir }),
      runCli([root, '-o', join(dir, 'm3.torrent'), '--exclude', '*.tmp', '--exclude', 'deep/z.*', '-q'], { cwd: dir }),
    ]);
    for (const r of runs) expect(r.code).toBe(0);
    expect(fileNames(readTorrentFile(join(dir, 'm1.torrent')))).toEqual(['deep/y.tmp', 'deep/z.bin', 'keep.bin', 'x.tmp']);
    expect(fileNames(readTorrentFile(join(dir, 'm2.torrent')))).toEqual(['.git/config', '.hidden', 'deep/y.tmp', 'deep/z.bin', 'keep.bin', 'x.tmp']);
    expect(fileNames(readTorrentFile(join(dir, 'm3.torrent')))).toEqual(['keep.bin']);
  }, T);

  it('skips symlinks unless --follow-symlinks', async () => {
    const root = writeTree(join(dir, 'links'), { 'real.bin': 500 });
    writeTree(dir, { 'outside.bin': 300 });
    symlinkSync(join(dir, 'outside.bin'), join(root, 'link.bin'));
    const [plain, followed] = await Promise.all([
      runCli([root, '-o', join(dir, 'l1.torrent'), '-q'], { cwd: dir }),
      runCli([root, '-o', join(dir, 'l2.torrent'), '--follow-symlinks', '-q'], { cwd: dir }),
    ]);
    expect(plain.code).toBe(0);
    expect(followed.code).toBe(0);
    expect(fileNames(readTorrentFile(join(dir, 'l1.torrent')))).toEqual(['real.bin']);
    const t = readTorrentFile(join(dir, 'l2.torrent'));
    expect(t.files.map((f) => [innerPath(t, f).join('/'), f.length]).sort()).toEqual([['link.bin', 300], ['real.bin', 500]]);
  }, T);

  it('picks the piece length automatically and honours --max-piece-length', async () => {
    const big = join(dir, 'sparse.bin');
    writeFileSync(big, '');
    truncateSync(big, 40 * 1024 * 1024); // sparse zeros: cheap to write, enough for a 32 KiB automatic piece length
    const [auto, capped] = await Promise.all([
      runCli([big, '-o', join(dir, 'auto.torrent'), '--json'], { cwd: dir }),
      runCli([big, '-o', join(dir, 'capped.torrent'), '--json', '--max-piece-length', '16K'], { cwd: dir }),
    ]);
    expect(auto.code).toBe(0);
    expect(capped.code).toBe(0);
    expect(JSON.parse(auto.stdout).pieceLength).toBe(32768);
    expect(JSON.parse(capped.stdout).pieceLength).toBe(16384);
    expect(JSON.parse(capped.stdout).pieceCount).toBe(2560);
  }, T);

  it('refuses to overwrite without --force and overwrites with it', async () => {
    const out = join(dir, 'exists.torrent');
    writeFileSync(out, 'precious');
    const r1 = await runCli([album, '-o', out], { cwd: dir });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toBe(`create-torrent: ${out} already exists (use --force to overwrite)\n`);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const r2 = await runCli([album, '-o', out, '-f', '-q'], { cwd: dir });
    expect(r2.code).toBe(0);
    expect(readTorrentFile(out).name).toBe('album');
  }, T);

  it('-o DIR writes NAME.torrent inside that directory', async () => {
    const outDir = join(dir, 'into-dir');
    mkdirSync(outDir);
    const r = await runCli([album, '-o', outDir, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).output).toBe(join(outDir, 'album.torrent'));
    expect(readdirSync(outDir)).toEqual(['album.torrent']);
  }, T);

  it('-o - writes the torrent to stdout and the summary to stderr', async () => {
    const r = await runCli([album, '-o', '-', '--no-date'], { cwd: dir });
    expect(r.code).toBe(0);
    const t = parseTorrent(r.stdoutBytes);
    expect(t.name).toBe('album');
    expect(r.stderr).toContain(t.infoHash!);
    expect(existsSync(join(dir, 'album.torrent'))).toBe(false);
  }, T);

  it('Ctrl-C stops hashing, exits 130 and leaves no file behind', async () => {
    const cwd = join(dir, 'interrupt');
    mkdirSync(cwd);
    const big = join(cwd, 'huge.bin');
    writeFileSync(big, '');
    truncateSync(big, 16 * 1024 ** 3); // sparse: no disk used, and far more than hashes before the signal lands
    const r = await runCli([big, '-l', '16M'], {
      cwd, env: { CREATE_TORRENT_PROGRESS: 'always' }, signalOnStderr: { text: 'pieces', signal: 'SIGINT' },
    });
    // The handler ran and the CLI left through its error path...
    expect(r.stderr).toMatch(/create-torrent: interrupted\n$/);
    // ...with status 130. Deno's child_process reports the signal it sent instead of the child's real
    // exit status (a Node child shows the same there), so on Deno only that is checked.
    if (runtime() === 'deno') expect(r.code === 130 || r.signal === 'SIGINT').toBe(true);
    else expect(r.code).toBe(130);
    expect(readdirSync(cwd)).toEqual(['huge.bin']);
  }, T);

  it('draws a progress bar on stderr only when asked or on a terminal', async () => {
    const [quiet, forced] = await Promise.all([
      runCli([album, '-o', join(dir, 'p1.torrent')], { cwd: dir }),
      runCli([album, '-o', join(dir, 'p2.torrent')], { cwd: dir, env: { CREATE_TORRENT_PROGRESS: 'always' } }),
    ]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('\rhashing [');
    expect(forced.stderr).toMatch(/\d+\/\d+ pieces [\d.]+ MB\/s ETA/);
    expect(forced.stderr.endsWith('\r\x1b[K')).toBe(true);
  }, T);
});
