import type { ChildProcess } from 'node:child_process';
import { connect, listen, type TcpConnection, type TcpListener } from './tcp.ts';

// Shared by the tests only; tsconfig.build.json leaves this file out of dist.
/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `n` bytes of 0..255 repeating from `seed`. */
export function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed + i) & 0xff;
  return out;
}

/** Byte equality without a deep-equal walk (fast for large arrays). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Resolves once `cond()` holds, polling every 5 ms; rejects after `ms`. */
export function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (cond()) resolve();
      else if (Date.now() - start > ms) reject(new Error('timed out waiting'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

/** Stops a child process and waits (bounded) until it has exited, so its files can be removed. */
export function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      done();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      done();
    });
    child.kill();
  });
}

/**
 * listen() and connect() that remember what they opened, so a test file can close it all after
 * each test with one `afterEach(() => tcp.close())`.
 */
export function tcpScope() {
  const listeners: TcpListener[] = [];
  const conns: TcpConnection[] = [];
  return {
    async listen(options: Parameters<typeof listen>[0], onConnection: (c: TcpConnection) => void): Promise<TcpListener> {
      const l = await listen(options, (c) => {
        conns.push(c);
        onConnection(c);
      });
      listeners.push(l);
      return l;
    },
    async connect(options: Parameters<typeof connect>[0]): Promise<TcpConnection> {
      const c = await connect(options);
      conns.push(c);
      return c;
    },
    async close(): Promise<void> {
      for (const c of conns.splice(0)) c.destroy();
      await Promise.all(listeners.splice(0).map((l) => l.close()));
    },
  };
}
