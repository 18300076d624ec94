// Test harness: starting and stopping the real clients (libtorrent, Transmission, aria2) from
// ../shared/tools/interop, plus the 64 MiB multi-file fixture. Every process started here is killed by
// its own pid in stop(); netns-run kills anything left when the suite ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = resolve(import.meta.dirname, '../../../../shared/tools/interop');
export const PYTHON = '/usr/bin/python3';

/** True inside ../shared/tools/netns-run (only loopback exists). */
export function isolated(): boolean {
  const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  return r.stdout.split('\n').filter((l) => l.includes(': ')).every((l) => l.split(': ')[1]!.split('@')[0] === 'lo');
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function hasLibtorrent(): boolean {
  return spawnSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore' }).status === 0;
}

/** A started program with its combined output, for waiting on a line and for failure messages. */
export class Proc {
  readonly child: ChildProcess;
  output = '';
  exited: Promise<number | null>;

  constructor(cmd: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const add = (d: Buffer): void => {
      this.output += d.toString();
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    this.child.stdout!.on('data', add);
    this.child.stderr!.on('data', add);
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }

  /** Resolves when the output matches `re`; rejects on exit or after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray> {
    return new Promise((resolveP, reject) => {
      const t0 = Date.now();
      const tick = setInterval(() => {
        const m = re.exec(this.output);
        if (m) {
          clearInterval(tick);
          resolveP(m);
        } else if (this.child.exitCode !== null || Date.now() - t0 > ms) {
          clearInterval(tick);
          reject(new Error(`waiting for ${re}: ${this.child.exitCode !== null ? `exited ${this.child.exitCode}` : 'timed out'}\n${this.output.slice(-3000)}`));
        }
      }, 50);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}

/** Files of the 64 MiB fixture below `<dir>/tk64`: odd sizes, nested directories, one empty file. */
export const FIXTURE_FILES: { path: string; length: number }[] = [
  { path: 'a.bin', length: 20_000_001 },
  { path: 'empty.bin', length: 0 },
  { path: 'sub/b.bin', length: 13_371_337 },
  { path: 'sub/deep/c.bin', length: 1 },
  { path: 'z.bin', length: 64 * 1024 * 1024 - 20_000_001 - 13_371_337 - 1 },
];

/** Writes the fixture's random content; returns the torrent root directory (`<dir>/tk64`). */
export function writeFixture(dir: string): string {
  const root = join(dir, 'tk64');
  const chunk = new Uint8Array(4 * 1024 * 1024);
  for (const f of FIXTURE_FILES) {
    const p = join(root, f.path);
    mkdirSync(resolve(p, '..'), { recursive: true });
    const fd = openSync(p, 'w');
    for (let left = f.length; left > 0; ) {
      const n = Math.min(left, chunk.length);
      randomFillSync(chunk, 0, n);
      writeSync(fd, chunk, 0, n);
      left -= n;
    }
    closeSync(fd);
  }
  return root;
}

/** Makes a v1 torrent of `root` with libtorrent (lt-peer.py create); returns its bytes. */
export function makeTorrent(root: string, out: string, pieceKib = 256): Uint8Array {
  const r = spawnSync(PYTHON, [join(SHARED, 'lt-peer.py'), 'create', root, out, '--tracker', 'http://127.0.0.1:9/announce', '--piece-kib', String(pieceKib)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`lt-peer.py create failed: ${r.stderr}${r.stdout}`);
  return new Uint8Array(readFileSync(out));
}

/** A free-looking TCP port for a third-party program (they cannot take port 0 and report it). */
let nextPort = 20000 + Math.floor(Math.random() * 20000);
export const thirdPartyPort = (): number => nextPort++;
