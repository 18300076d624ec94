// End to end: the demo's swarm (tracker, seeder, two leechers) on 127.0.0.1 with 2 MiB of content, in
// process on the runtime under test, and as `pnpm demo` runs it (bun src/main.ts) for the exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from './demo.ts';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const bun = join(pkg, '../../node_modules/.bin/bun');
const hasBun = existsSync(bun);
const FILES = [['torrentkit-demo', 'alpha.bin'], ['torrentkit-demo', 'notes', 'beta.bin'], ['torrentkit-demo', 'gamma.dat']];

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bun, ['src/main.ts', ...args], { cwd: pkg, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Uint8Array) => (stdout += new TextDecoder().decode(d)));
    child.stderr.on('data', (d: Uint8Array) => (stderr += new TextDecoder().decode(d)));
    // The demo has its own 120 s limit; this one only keeps a hung child from outliving the test.
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a), readFile(b)]);
  return x.length === y.length && x.equals(y);
}

describe('runDemo (in process)', () => {
  let dir: string;
  let result: DemoResult;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'torrentkit-demo-test-'));
    result = await runDemo({ sizeMiB: 2, leechers: 2, dir, keep: true, timeoutMs: 40_000, log: (l) => lines.push(l) });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 2 MiB torrent and reports its info hash and magnet link', () => {
    expect(result.totalBytes).toBe(2 * 2 ** 20);
    expect(result.infoHash).toMatch(/^[0-9a-f]{40}$/);
    expect(result.magnet).toContain(`xt=urn:btih:${result.infoHash}`);
    expect(result.magnet).toContain(`tr=${result.trackerUrl}`);
    expect(result.trackerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/announce$/);
  });

  it('every leecher holds files identical to the original', async () => {
    expect(result.leecherDirs).toHaveLength(2);
    for (const leecherDir of result.leecherDirs) {
      for (const f of FILES) {
        expect(await sameFile(join(dirname(result.contentPath), ...f), join(leecherDir, ...f))).toBe(true);
      }
    }
    for (const l of result.leechers) expect(l.downloaded).toBe(result.totalBytes);
  });

  it('the tracker counted every peer as a seeder, then nobody after "stopped"', () => {
    expect(result.scrape).toEqual({ complete: 3, incomplete: 0, downloaded: 2 });
    expect(result.scrapeAfterStop).toEqual({ complete: 0, incomplete: 0, downloaded: 2 });
  });

  it('peers found each other through the tracker and the log names every step', () => {
    const log = lines.join('\n');
    expect(log).toContain('leecher-2: announced started');
    expect(log).toMatch(/leecher-2: announced started on port \d+; tracker returned 2 peer\(s\)/);
    // The leechers talk to each other too, not only to the seeder.
    expect(log).toContain('leecher-2: connected to leecher-1');
    expect(log).toContain('leecher-1: accepted leecher-2');
    for (const step of ['1. content', '2. tracker', '3. torrent', '4. swarm', '5. verify', 'scrape: complete 3, incomplete 0, downloaded 2']) {
      expect(log).toContain(step);
    }
  });
});

describe('pnpm demo (bun src/main.ts)', () => {
  const dirs: string[] = [];
  if (!hasBun) console.warn(`skipping the CLI tests: bun is not installed at ${bun} (run pnpm install)`);
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it.skipIf(!hasBun)('exits 0, leaves the files with --keep and prints the scrape figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torrentkit-demo-cli-'));
    dirs.push(dir);
    const r = await run(['--size', '2', '--leechers', '2', '--dir', dir, '--keep']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('scrape: complete 3, incomplete 0, downloaded 2');
    expect(r.stdout).toContain(`kept the files in ${dir}`);
    expect((await readdir(dir)).sort()).toEqual(['leecher-1', 'leecher-2', 'seed', 'torrentkit-demo.torrent']);
    for (const leecher of ['leecher-1', 'leecher-2']) {
      for (const f of FILES) expect(await sameFile(join(dir, 'seed', ...f), join(dir, leecher, ...f))).toBe(true);
    }
  });

  it.skipIf(!hasBun)('without --keep, deletes what it created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torrentkit-demo-cli-'));
    dirs.push(dir);
    const r = await run(['--size', '1', '--leechers', '1', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it.skipIf(!hasBun)('fails with a clear message and a non-zero exit code', async () => {
    const [bad, missing] = await Promise.all([run(['--leechers', 'many']), run(['--content', join(tmpdir(), 'torrentkit-demo-no-such-path')])]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--leechers needs a whole number');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^demo: failed: .*no such file/im);
  });

  it.skipIf(!hasBun)('gives up at --timeout, exits 1 and still cleans up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torrentkit-demo-cli-'));
    dirs.push(dir);
    const r = await run(['--size', '16', '--timeout', '0.05', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('demo: failed: timed out after 0.05 s');
    expect(await readdir(dir)).toEqual([]);
  });
});
