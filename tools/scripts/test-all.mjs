#!/usr/bin/env node
// Runs every package's tests under Node (vitest), Deno and Bun, the same files on each, inside a
// network namespace with only loopback (../shared/tools/netns-run) when one is available. Starts the
// services tests need (redis-server on a private port), then prints one closing line
// "N passed, N failed" summed over all runtimes. Exits non-zero if any runtime fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const netns = resolve(root, '../shared/tools/netns-run');
const runtimes = (process.env.TORRENTKIT_RUNTIMES ?? 'node,deno,bun').split(',');
const filter = process.argv.slice(2).filter((a) => a !== '--');

if (!process.env.TORRENTKIT_IN_NETNS && !process.env.TORRENTKIT_NO_NETNS) {
  const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', ...filterArgs()], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  if (existsSync(netns)) {
    const r = spawnSync(netns, [process.execPath, import.meta.filename, ...filter], {
      cwd: root, stdio: 'inherit', env: { ...process.env, TORRENTKIT_IN_NETNS: '1' },
    });
    process.exit(r.status ?? 1);
  }
  console.warn('test-all: ../shared/tools/netns-run not found; running without network isolation');
}

function filterArgs() {
  return filter.flatMap((f) => ['--filter', f]);
}

const work = mkdtempSync(join(tmpdir(), 'torrentkit-test-'));
const services = await startServices(work);
let passed = 0, failed = 0, exitCode = 0;
try {
  for (const rt of runtimes) {
    const counts = await runTask(`test:${rt}`);
    passed += counts.passed; failed += counts.failed;
    if (counts.code !== 0) { exitCode = 1; console.error(`test-all: ${rt} failed (exit ${counts.code})`); }
  }
} finally {
  for (const stop of services) stop();
  rmSync(work, { recursive: true, force: true });
}
if (failed > 0) exitCode = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(exitCode);

function runTask(task) {
  return new Promise((done) => {
    const child = spawn('pnpm', ['exec', 'turbo', 'run', task, '--concurrency=1', '--continue', '--output-logs=full', ...filterArgs()], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let passedN = 0, failedN = 0, buf = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
        // vitest: "Tests  2 failed | 10 passed (12)"; bun: " 10 pass" / " 2 fail"
        const v = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
        if (v) {
          passedN += Number(/(\d+) passed/.exec(v[1])?.[1] ?? 0);
          failedN += Number(/(\d+) failed/.exec(v[1])?.[1] ?? 0);
          continue;
        }
        const bp = /:\s+(\d+) pass\s*$/.exec(line); if (bp) passedN += Number(bp[1]);
        const bf = /:\s+(\d+) fail\s*$/.exec(line); if (bf) failedN += Number(bf[1]);
      }
    });
    child.on('close', (code) => done({ code: code ?? 1, passed: passedN, failed: failedN }));
  });
}

async function startServices(dir) {
  const stops = [];
  const redis = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (redis && !process.env.REDIS_URL) {
    const port = 16379 + Math.floor(Math.random() * 1000);
    const pidfile = join(dir, 'redis.pid');
    const r = spawnSync(redis, ['--bind', '127.0.0.1', '--port', String(port), '--daemonize', 'yes',
      '--pidfile', pidfile, '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
    if (r.status === 0) {
      process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
      stops.push(() => spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' }));
    }
  }
  return stops;
}
