// Test helper: run `torrentkit-tracker` as a real child process and learn its port. Test-only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appDir } from './workerd.ts';

/** Builds dist/ (esbuild, about a second) unless it is there already. */
export function ensureBuilt(): void {
  if (existsSync(join(appDir, 'dist/cli.js'))) return;
  const r = spawnSync('node', ['build.mjs'], { cwd: appDir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building apps/edge-tracker failed');
}

export interface TrackerProcess {
  child: ChildProcess;
  port: number;
  origin: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the bin with `args` (always on 127.0.0.1, port 0) and waits for its banner. */
export function startTrackerProcess(args: string[]): Promise<TrackerProcess> {
  const child = spawn('node', [join(appDir, 'bin/torrentkit-tracker.js'), '--host', '127.0.0.1', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`tracker did not start:\n${out}`)); }, 15_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /stats\s+(http:\/\/127\.0\.0\.1:(\d+))\/stats/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[2]), origin: m[1]!, output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tracker exited with ${code}:\n${out}`)); });
  });
}
