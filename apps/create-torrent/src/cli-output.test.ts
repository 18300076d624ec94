// Where create writes: long names, output inside the input, and signals during hashing, as the real
// CLI does it (a child process of the runtime running the tests).

import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { runCli, runtime } from './testing/run-cli.ts';

const T = 60_000;

describe('create: the output file', () => {
  let dir = '';
  let cleanup = (): void => {};
  beforeAll(() => { ({ dir, cleanup } = tempDir()); });
  afterAll(() => cleanup());

  it('writes NAME.torrent when NAME is close to the filesystem limit', async () => {
    const name = 'n'.repeat(240); // NAME.torrent: 248 bytes; the old temporary name was over 255
    const cwd = join(dir, 'long');
    writeTree(cwd, { [`${name}/f`]: 'x\n' });
    const r = await runCli([name, '-q'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual([name, `${name}.torrent`]);
  }, T);

  it('leaves its own output out when it is written inside the input', async () => {
    const proj = writeTree(join(dir, 'proj'), { 'a.bin': 5000, 'sub/b.bin': 300 });
    const first = await runCli(['.', '--json'], { cwd: proj });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('create-torrent: leaving out proj.torrent: the output is inside .\n');
    const again = await runCli(['.', '-f', '--json', '--include-hidden'], { cwd: proj });
    expect(again.code, again.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { infoHash: string; files: Array<{ path: string }> };
    const b = JSON.parse(again.stdout) as typeof a;
    expect(b.infoHash).toBe(a.infoHash);
    expect(b.files.map((f) => f.path)).toEqual(['proj/a.bin', 'proj/sub/b.bin']);
    // Only that exact path: a file of the same name deeper down is content. -q silences the note.
    writeFileSync(join(proj, 'sub/proj.torrent'), 'not ours');
    const quiet = await runCli(['.', '-f', '--json', '-q'], { cwd: proj });
    expect(quiet.stderr).toBe('');
    expect((JSON.parse(quiet.stdout) as typeof a).files.map((f) => f.path)).toEqual(['proj/a.bin', 'proj/sub/b.bin', 'proj/sub/proj.torrent']);
    // An output in a subdirectory of the input, named through -o DIR/.
    const nested = await runCli([proj, '-o', join(proj, 'sub') + '/', '-f', '--json'], { cwd: dir });
    expect(nested.code, nested.stderr).toBe(0);
    expect(nested.stderr).toContain('leaving out');
    expect((JSON.parse(nested.stdout) as typeof a).files.map((f) => f.path)).toEqual(['proj/a.bin', 'proj/proj.torrent', 'proj/sub/b.bin']);
    expect(readdirSync(proj).sort()).toEqual(['a.bin', 'proj.torrent', 'sub']);
  }, T);

  it('SIGTERM stops hashing like Ctrl-C: exit 143, no file left behind', async () => {
    const cwd = join(dir, 'term');
    mkdirSync(cwd);
    const big = join(cwd, 'huge.bin');
    writeFileSync(big, '');
    truncateSync(big, 16 * 1024 ** 3); // sparse: far more than hashes before the signal lands
    const r = await runCli([big, '-l', '16M'], {
      cwd, env: { CREATE_TORRENT_PROGRESS: 'always' }, signalOnStderr: { text: 'pieces', signal: 'SIGTERM' },
    });
    expect(r.stderr).toMatch(/create-torrent: interrupted\n$/);
    // Deno's child_process reports the signal it sent rather than the exit status (see the SIGINT test).
    if (runtime() === 'deno') expect(r.code === 143 || r.signal === 'SIGTERM').toBe(true);
    else expect(r.code).toBe(143);
    expect(readdirSync(cwd)).toEqual(['huge.bin']);
  }, T);
});
