// Test helper: a Redis to test against. Uses REDIS_URL when the test runner exported one; otherwise
// starts a private redis-server on a free loopback port (and stops it afterwards). Test-only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Resolves to a Redis, or to `undefined` (with the reason) when there is none to be had. */
export async function startTestRedis(): Promise<TestRedis | { skip: string }> {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  if (env.REDIS_URL) return { url: env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tk-redis-'));
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return { skip: 'redis-server is not installed (apt-get install redis-server); set REDIS_URL to use another' };
  }
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!spawned) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: 'redis-server is not installed (apt-get install redis-server); set REDIS_URL to use another' };
  }
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (await canConnect(port)) return { url: `redis://127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  return { skip: `redis-server did not start listening on 127.0.0.1:${port}` };
}

/** A key prefix no other test run uses. */
export function uniquePrefix(): string {
  return `tktest:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:`;
}
