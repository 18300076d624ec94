// `deno run -A src/cli.ts` and `bun src/cli.ts` run the command (the bin's comment says they can):
// before, the module only defined main() and the process exited 0 without doing anything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDir } from './workerd.ts';

const bin = resolve(appDir, '../../node_modules/.bin');
const runners = [
  ['deno', [join(bin, 'deno'), 'run', '-A']],
  ['bun', [join(bin, 'bun')]],
] as const;

function run(argv: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, [...argv.slice(1)], { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Uint8Array) => { stdout += new TextDecoder().decode(c); });
    child.stderr!.on('data', (c: Uint8Array) => { stderr += new TextDecoder().decode(c); });
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('src/cli.ts as the entry module', () => {
  for (const [name, cmd] of runners) {
    it.skipIf(!existsSync(cmd[0]))(`${name}: --help prints the usage, a bad flag exits 2`, async () => {
      const help = await run([...cmd, 'src/cli.ts', '--help']);
      expect(help.stdout).toContain('Usage: torrentkit-tracker');
      expect(help.code).toBe(0);
      const bad = await run([...cmd, 'src/cli.ts', '--port', 'nope']);
      expect(bad.stderr).toContain('--port must be an integer');
      expect(bad.code).toBe(2);
    }, 60_000);
  }
});
