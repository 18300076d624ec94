// Help, version and every error path of the real CLI: one clear line, the right exit code, and
// never a .torrent (or a temp file) left behind.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { runCli } from './testing/run-cli.ts';

const T = 60_000;

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
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    writeTree(dir, { 'data/a.bin': 1000 });
    mkdirSync(join(dir, 'empty'));
    writeTree(dir, { 'zeros/a': '', 'zeros/b': '' });
    mkdirSync(join(dir, 'cwd'));
  });
  afterAll(() => cleanup());

  async function fails(args: string[], code: number, message: string | RegExp): Promise<void> {
    const cwd = join(dir, 'cwd');
    const r = await runCli(args, { cwd });
    expect(r.code, args.join(' ')).toBe(code);
    expect(r.stdout, args.join(' ')).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines, args.join(' ')).toHaveLength(2); // one line and its newline
    expect(lines[0]!.startsWith('create-torrent: ')).toBe(true);
    if (typeof message === 'string') expect(lines[0]).toContain(message);
    else expect(lines[0]).toMatch(message);
    expect(readdirSync(cwd), args.join(' ')).toEqual([]);
  }

  it('missing path', () => fails([join(dir, 'nope')], 1, `no such file or directory: ${join(dir, 'nope')}`), T);
  it('empty directory', () => fails([join(dir, 'empty')], 1, 'no files to put in the torrent'), T);
  it('only empty files', () => fails([join(dir, 'zeros')], 1, 'every file is empty'), T);
  it('bad piece length', () => fails([join(dir, 'data'), '-l', '100K'], 2, "bad piece length '100K'"), T);
  it('piece length above the maximum', () => fails([join(dir, 'data'), '-l', '32M'], 2, 'power of two from 16K to 16M'), T);
  it('unknown option', () => fails([join(dir, 'data'), '--frobnicate'], 2, 'frobnicate'), T);
  it('no PATH', () => fails([], 2, 'missing PATH'), T);
  it('two kinds', () => fails([join(dir, 'data'), '--v2', '--hybrid'], 2, 'choose one of'), T);
  it('bad tracker URL', () => fails([join(dir, 'data'), '-a', 'nonsense'], 2, "not a URL: 'nonsense'"), T);
  it('output directory missing', () => fails([join(dir, 'data'), '-o', join(dir, 'no/such/dir/x.torrent')], 1, 'cannot write'), T);

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

  it('unreadable input', async () => {
    // A FIFO is unreadable as content for everyone, root included (CI runs as root, where chmod 000 does not stop reads).
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await fails([fifo], 1, /cannot read .*pipe.*not a regular file/);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!isRoot) {
      const locked = writeTree(join(dir, 'locked'), { 'secret.bin': 100 });
      chmodSync(join(locked, 'secret.bin'), 0o000);
      await fails([locked], 1, /secret\.bin/);
    }
  }, T);

  it('--json reports an error as a JSON object too', async () => {
    const r = await runCli([join(dir, 'empty'), '--json'], { cwd: join(dir, 'cwd') });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'CLI_EMPTY', message: expect.stringContaining('no files') } });
  }, T);
});
