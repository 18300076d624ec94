// Test helper: run the real CLI as a child process of whichever runtime runs the tests. Node runs
// the build (dist/bin.js, as users get it from npm); Deno and Bun run src/bin.ts directly.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  code: number | null;
  /** The signal that ended the child, when one did. */
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
}

const appDir = fileURLToPath(new URL('../../', import.meta.url));

/** Which runtime runs the tests: the CLI child uses the same one. */
export function runtime(): 'node' | 'deno' | 'bun' {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return 'deno';
  if (g.Bun !== undefined) return 'bun';
  return 'node';
}

/**
 * The command line that starts the CLI on this runtime. CREATE_TORRENT_TEST_CLI (a JSON array)
 * overrides it, e.g. to run the tests against an installed create-torrent.
 */
export function cliCommand(): string[] {
  const override = process.env['CREATE_TORRENT_TEST_CLI'];
  if (override) return JSON.parse(override) as string[];
  const rt = runtime();
  if (rt === 'deno') return [process.execPath, 'run', '-A', '--quiet', `${appDir}src/bin.ts`];
  if (rt === 'bun') return [process.execPath, `${appDir}src/bin.ts`];
  const bin = `${appDir}dist/bin.js`;
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run 'pnpm run build' in apps/create-torrent first`);
  return [process.execPath, bin];
}

/** Runs `create-torrent ...args` in `cwd`; resolves when it exits (killed after `timeoutMs`). */
export function runCli(
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; signalOnStderr?: { text: string; signal: 'SIGINT' | 'SIGTERM' } } = {},
): Promise<CliResult> {
  const [cmd, ...pre] = cliCommand();
  return new Promise((done, fail) => {
    const child = spawn(cmd!, [...pre, ...args], {
      cwd: opts.cwd ?? appDir,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    child.stdout!.on('data', (c: Uint8Array) => out.push(c));
    let signalled = false;
    child.stderr!.on('data', (c: Uint8Array) => {
      err.push(c);
      const want = opts.signalOnStderr;
      if (want && !signalled && new TextDecoder().decode(concat(err)).includes(want.text)) {
        signalled = true;
        child.kill(want.signal);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => { clearTimeout(timer); fail(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = concat(out);
      done({ code, signal, stdout: new TextDecoder().decode(stdoutBytes), stderr: new TextDecoder().decode(concat(err)), stdoutBytes });
    });
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
