// Help, version and every error path of the real CLI: one clear line, the right exit code, and
// never a .torrent (or a temp file) left behind.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { runCli, type CliResult } from './testing/run-cli.ts';

const T = 60_000;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot) console.warn('create-torrent: the chmod-000 unreadable-file test is skipped when running as root');

describe('help and version', () => {
  it('--help documents every option and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const o of ['--output', '--announce', '--tier', '--web-seed', '--private', '--piece-length', '--max-piece-length', '--v1', '--v2',
      '--hybrid', '--comment', '--source', '--name', '--exclude', '--include-hidden', '--follow-symlinks', '--no-date', '--no-created-by',
      '--json', '--force', '--quiet', '--threads', '--version', 'show', 'verify', 'magnet']) expect(r.stdout, o).toContain(o);
  }, T);

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  }, T);

  it('help for a subcommand', async () => {
    const r = await runCli(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: create-torrent verify');
  }, T);
});

describe('errors', () => {
  let dir = '';
  let cleanup = (): void => {};
  // `env` forces the progress bar on: a case that must fail before hashing then shows no bar at all.
  const beforeHashing = { CREATE_TORRENT_PROGRESS: 'always' };
  const longName = 'm'.repeat(250); // NAME.torrent is 258 bytes, over the usual 255
  const cases: Array<{ name: string; args: () => string[]; code: number; message: () => string | RegExp; env?: Record<string, string> }> = [
    { name: 'missing path', args: () => [join(dir, 'nope')], code: 1, message: () => `no such file or directory: ${join(dir, 'nope')}` },
    { name: 'empty directory', args: () => [join(dir, 'empty')], code: 1, message: () => 'no files to put in the torrent' },
    { name: 'only empty files', args: () => [join(dir, 'zeros')], code: 1, message: () => 'every file is empty' },
    { name: 'bad piece length', args: () => [join(dir, 'data'), '-l', '100K'], code: 2, message: () => "bad piece length '100K'" },
    { name: 'piece length above the maximum', args: () => [join(dir, 'data'), '-l', '32M'], code: 2, message: () => 'power of two from 16K to 16M' },
    { name: 'unknown option', args: () => [join(dir, 'data'), '--frobnicate'], code: 2, message: () => 'frobnicate' },
    { name: 'no PATH', args: () => [], code: 2, message: () => 'missing PATH' },
    { name: 'two kinds', args: () => [join(dir, 'data'), '--v2', '--hybrid'], code: 2, message: () => 'choose one of' },
    { name: 'bad tracker URL', args: () => [join(dir, 'data'), '-a', 'nonsense'], code: 2, message: () => "not a URL: 'nonsense'" },
    { name: 'output directory missing', args: () => [join(dir, 'data'), '-o', join(dir, 'no/such/dir/x.torrent')], code: 1, message: () => 'cannot write' },
    { name: '-o newdir/ that does not exist', args: () => [join(dir, 'data'), '-o', 'newdir/'], code: 1,
      message: () => /^create-torrent: cannot write to newdir\/: no such directory$/, env: beforeHashing },
    { name: '-o below a file', args: () => [join(dir, 'data'), '-o', join(dir, 'data/a.bin/x.torrent')], code: 1,
      message: () => `cannot write ${join(dir, 'data/a.bin/x.torrent')}: ${join(dir, 'data/a.bin')} is not a directory`, env: beforeHashing },
    { name: 'output name too long for the filesystem', args: () => [join(dir, longName)], code: 1,
      message: () => `cannot write ${longName}.torrent: file name too long`, env: beforeHashing },
    { name: 'invalid --exclude pattern', args: () => [join(dir, 'data'), '--exclude', '[z-a]'], code: 2,
      message: () => /^create-torrent: --exclude '\[z-a\]': [^\n]+$/, env: beforeHashing },
    // A FIFO is unreadable as content for everyone, root included (CI runs as root, where chmod 000 does not stop reads).
    { name: 'unreadable input (not a regular file)', args: () => [join(dir, 'pipe')], code: 1, message: () => /cannot read .*pipe.*not a regular file/ },
  ];
  // Every case runs in its own cwd, all at once: the CLI starts in a fraction of a second, but
  // the machine is shared and one after another they would add up.
  const results = new Map<string, Promise<CliResult>>();

  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    writeTree(dir, { 'data/a.bin': 1000, [`${longName}/f`]: 100_000 });
    mkdirSync(join(dir, 'empty'));
    writeTree(dir, { 'zeros/a': '', 'zeros/b': '' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    cases.forEach((c, i) => {
      const cwd = join(dir, `cwd${i}`);
      mkdirSync(cwd);
      results.set(c.name, runCli(c.args(), { cwd, env: c.env }));
    });
  });
  afterAll(() => cleanup());

  function check(r: CliResult, cwd: string, c: (typeof cases)[number]): void {
    expect(r.code, c.name).toBe(c.code);
    expect(r.stdout, c.name).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines, c.name).toHaveLength(2); // one line and its newline
    expect(lines[0]!.startsWith('create-torrent: ')).toBe(true);
    const m = c.message();
    if (typeof m === 'string') expect(lines[0]).toContain(m);
    else expect(lines[0]).toMatch(m);
    expect(readdirSync(cwd), c.name).toEqual([]); // no .torrent, no temp file
  }

  cases.forEach((c, i) => {
    it(c.name, async () => check(await results.get(c.name)!, join(dir, `cwd${i}`), c), T);
  });

  // Root reads a chmod-000 file anyway, so this one only runs for other users (the FIFO case above runs for all).
  (isRoot ? it.skip : it)('unreadable file (chmod 000)', async () => {
    const locked = writeTree(join(dir, 'locked'), { 'secret.bin': 100 });
    chmodSync(join(locked, 'secret.bin'), 0o000);
    const cwd = join(dir, 'cwd-locked');
    mkdirSync(cwd);
    check(await runCli([locked], { cwd }), cwd, { name: 'locked', args: () => [], code: 1, message: () => /^create-torrent: cannot read .*secret\.bin: permission denied$/ });
  }, T);

  it('existing output without --force', async () => {
    const cwd = join(dir, 'cwd-exists');
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'data.torrent'), 'keep me');
    const r = await runCli([join(dir, 'data')], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('create-torrent: data.torrent already exists (use --force to overwrite)\n');
    expect(readFileSync(join(cwd, 'data.torrent'), 'utf8')).toBe('keep me');
    expect(readdirSync(cwd)).toEqual(['data.torrent']);
  }, T);

  it('--json reports an error as a JSON object too', async () => {
    const cwd = join(dir, 'cwd-json');
    mkdirSync(cwd);
    const r = await runCli([join(dir, 'empty'), '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'CLI_EMPTY', message: expect.stringContaining('no files') } });
  }, T);
});
