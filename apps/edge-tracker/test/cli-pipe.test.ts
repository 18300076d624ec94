// Nobody reading the output: `torrentkit-tracker --help | head -1`, or a service manager that closed
// the log pipe. The read end is closed before the process writes anything, so every write meets EPIPE.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './processes.ts';
import { appDir } from './workerd.ts';

const bin = join(appDir, 'bin/torrentkit-tracker.js');

function startClosedStdout(args: string[]) {
  const child = spawn('node', [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.on('data', (c: Uint8Array) => { stderr += new TextDecoder().decode(c); });
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, exited, stderr: () => stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('torrentkit-tracker with a closed stdout', () => {
  beforeAll(() => ensureBuilt());

  it('--help exits 0 without a stack trace', async () => {
    const p = startClosedStdout(['--help']);
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toBe('');
  }, 60_000);

  it('the server keeps serving after its banner met the closed pipe', async () => {
    const port = await freePort();
    const p = startClosedStdout(['--host', '127.0.0.1', '--port', String(port), '--no-udp']);
    try {
      // No banner to read: poll until the server answers (or the process dies).
      let stats: Record<string, unknown> | undefined;
      while (!stats) {
        const died = await Promise.race([p.exited.then(() => true), new Promise((r) => setTimeout(r, 100, false))]);
        if (died) throw new Error(`tracker exited:\n${p.stderr()}`);
        stats = await fetch(`http://127.0.0.1:${port}/stats.json`).then((r) => r.json() as Promise<Record<string, unknown>>, () => undefined);
      }
      expect(stats).toMatchObject({ store: 'memory' });
      expect(p.stderr()).toBe('');
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }, 60_000);
});
