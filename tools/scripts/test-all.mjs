#!/usr/bin/env node
// Runs every package's tests under Node (vitest, on the machine's Node and again on Node 24), Deno
// and Bun, the same files on each, inside a network namespace with only loopback
// (../shared/tools/netns-run) when one is available. Starts the services tests need (redis-server on
// a private port), then prints one closing line "N passed, N failed" summed over all runtimes. Exits
// non-zero if any runtime fails. TORRENTKIT_RUNTIMES=node,node24,deno,bun (the default) picks runtimes.
// Each runtime gets TORRENTKIT_RUNTIME_MINUTES (default 15) minutes: a suite that hangs is stopped
// with everything it started (session.mjs) and counts as a failure, so a run always ends within
// CI's limit.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ensureNode24, versionOf } from './node24.mjs';
import { signalSession, spawnSession, stopSession } from './session.mjs';

const root = resolve(import.meta.dirname, '../..');
const netns = resolve(root, '../shared/tools/netns-run');
const runtimes = (process.env.TORRENTKIT_RUNTIMES ?? 'node,node24,deno,bun').split(',');
const filter = process.argv.slice(2).filter((a) => a !== '--');
const runtimeMinutes = Number(process.env.TORRENTKIT_RUNTIME_MINUTES ?? 15);
if (!(runtimeMinutes > 0 && runtimeMinutes <= 24 * 60)) {
  console.error(`test-all: TORRENTKIT_RUNTIME_MINUTES must be a number of minutes above 0 and at most 1440, not ${JSON.stringify(process.env.TORRENTKIT_RUNTIME_MINUTES)}`);
  process.exit(2);
}
// Sessions of the suites running now, the services started and the scratch directory: all
// stopped or removed if this script is interrupted.
const sessions = new Set();
let services = [];
let work = '';
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    for (const sid of sessions) signalSession(sid, 'SIGKILL');
    for (const stop of services) stop();
    if (work) rmSync(work, { recursive: true, force: true });
    process.exit(code);
  });
}

if (!process.env.TORRENTKIT_IN_NETNS) {
  // The Node 24 binary comes from the npm registry, which the loopback-only namespace cannot reach:
  // fetch it (or find it cached) out here and hand its path in. A failed install fails the run.
  if (runtimes.includes('node24') && !process.env.TORRENTKIT_NODE24) {
    try {
      process.env.TORRENTKIT_NODE24 = ensureNode24(root);
    } catch (err) {
      console.error(`test-all: ${err.message}`);
      process.exit(1);
    }
  }
}

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

work = mkdtempSync(join(tmpdir(), 'torrentkit-test-'));
services = await startServices(work);
let passed = 0, failed = 0, exitCode = 0;
const failures = [];
try {
  for (const rt of runtimes) {
    const deadline = Date.now() + runtimeMinutes * 60_000;
    const counts = rt === 'node24' ? await runNode24(deadline) : await runTask(`test:${rt}`, deadline);
    passed += counts.passed; failed += counts.failed;
    if (counts.code !== 0) { exitCode = 1; console.error(`test-all: ${rt} failed (exit ${counts.code})`); }
  }
} finally {
  for (const stop of services) stop();
  rmSync(work, { recursive: true, force: true });
}
if (failed > 0) exitCode = 1;
if (failures.length > 0) console.log(`\nfailed tests:\n${[...new Set(failures)].map((l) => `  ${l}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(exitCode);

function runTask(task, deadline) {
  return new Promise((done) => {
    const child = spawnLimited('pnpm', ['exec', 'turbo', 'run', task, '--concurrency=1', '--continue', '--output-logs=full', ...filterArgs()], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    }, deadline, task);
    const counts = countLines(child.stdout);
    child.on('close', (code) => done({ code: child.timedOut ? 1 : code ?? 1, ...counts.total() }));
  });
}

/**
 * spawn() in a session of its own, stopped whole (test servers and runtimes it started included)
 * if it is still running at `deadline`.
 */
function spawnLimited(cmd, args, options, deadline, label) {
  const child = spawnSession(cmd, args, options);
  sessions.add(child.pid);
  const timer = setTimeout(() => {
    console.error(`test-all: ${label} still running after ${runtimeMinutes} minutes for this runtime: stopped`);
    // A stopped suite fails the run, whatever exit code the stop leaves it with.
    child.timedOut = true;
    void stopSession(child.pid).then(() => {
      // Something outside the session may still hold the output pipes open: stop waiting for them.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 5_000).unref();
    });
  }, Math.max(0, deadline - Date.now()));
  child.on('close', () => {
    clearTimeout(timer);
    sessions.delete(child.pid);
  });
  return child;
}

/**
 * Echoes a child's output and adds up the test counts in it (with an optional line prefix). Lines
 * naming a failed test are kept for the closing summary, so the tail of a long log says which failed.
 */
function countLines(stream, prefix = '') {
  let passed = 0, failed = 0, buf = '';
  const take = (line) => {
    if (prefix) process.stdout.write(`${prefix}${line}\n`);
    // vitest: " FAIL  src/x.test.ts > suite > name" / " × name 12ms"; bun: "(fail) suite > name"
    if (/(^|:\s)\s*(FAIL\s|×\s|\(fail\)\s)/.test(line) && failures.length < 200) failures.push(`${prefix}${line.trim()}`);
    // vitest: "Tests  2 failed | 10 passed (12)"; bun: " 10 pass" / " 2 fail"
    const v = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (v) {
      passed += Number(/(\d+) passed/.exec(v[1])?.[1] ?? 0);
      failed += Number(/(\d+) failed/.exec(v[1])?.[1] ?? 0);
      return;
    }
    const bp = /:\s+(\d+) pass\s*$/.exec(line); if (bp) passed += Number(bp[1]);
    const bf = /:\s+(\d+) fail\s*$/.exec(line); if (bf) failed += Number(bf[1]);
  };
  stream.on('data', (chunk) => {
    if (!prefix) process.stdout.write(chunk);
    buf += chunk.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) { take(buf.slice(0, nl)); buf = buf.slice(nl + 1); }
  });
  stream.on('end', () => { if (buf) take(buf); buf = ''; });
  return { total: () => ({ passed, failed }) };
}

/** Copies a child's output line by line with a prefix (how turbo labels its tasks' output). */
function prefixLines(stream, prefix, out) {
  let buf = '';
  stream.on('data', (chunk) => {
    buf += chunk.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) { out.write(`${prefix}${buf.slice(0, nl)}\n`); buf = buf.slice(nl + 1); }
  });
  stream.on('end', () => { if (buf) out.write(`${prefix}${buf}\n`); buf = ''; });
}

/**
 * Runs each selected package's `test:node` suite (vitest) again, one package at a time, with the
 * Node 24 binary from tools/scripts/node24.mjs. Its directory goes first on PATH too, so what a test
 * starts as `node` (packed-package checks, CLIs) runs on 24 as well. Packages are the ones turbo
 * would run `test:node` in for the same filter.
 */
async function runNode24(deadline) {
  let bin = process.env.TORRENTKIT_NODE24;
  try {
    bin ??= ensureNode24(root);
  } catch (err) {
    console.error(`test-all: ${err.message}`);
    return { code: 1, passed: 0, failed: 0 };
  }
  const version = versionOf(bin);
  if (!version) { console.error(`test-all: node24: ${bin} does not run`); return { code: 1, passed: 0, failed: 0 }; }
  console.log(`\ntest-all: node24: vitest on ${version} (${bin})`);
  const dry = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test:node', '--dry-run=json', ...filterArgs()], {
    cwd: root, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  if (dry.status !== 0) { process.stderr.write(dry.stderr); return { code: dry.status ?? 1, passed: 0, failed: 0 }; }
  let tasks;
  try {
    ({ tasks } = JSON.parse(dry.stdout));
  } catch (err) {
    console.error(`test-all: node24: cannot read turbo's task list (${err.message})`);
    return { code: 1, passed: 0, failed: 0 };
  }
  const suites = tasks
    .filter((t) => t.task === 'test:node' && t.command !== '<NONEXISTENT>')
    .sort((a, b) => a.package.localeCompare(b.package));
  let code = 0, passed = 0, failed = 0;
  for (const [i, { package: name, directory }] of suites.entries()) {
    if (Date.now() >= deadline) {
      console.error(`test-all: node24: ${suites.length - i} suites not run, the ${runtimeMinutes}-minute limit is used up`);
      code = 1;
      break;
    }
    const dir = resolve(root, directory);
    const entry = vitestEntry(dir);
    const prefix = `${name}:test:node24: `;
    console.log(`${prefix}vitest run (node ${version})`);
    const r = await new Promise((done) => {
      const child = spawnLimited(bin, [entry, 'run'], {
        cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH}`, FORCE_COLOR: '0', NO_COLOR: '1' },
      }, deadline, `${name} on node24`);
      const counts = countLines(child.stdout, prefix);
      prefixLines(child.stderr, prefix, process.stderr);
      child.on('close', (c) => done({ code: child.timedOut ? 1 : c ?? 1, ...counts.total() }));
    });
    passed += r.passed; failed += r.failed;
    if (r.code !== 0) { code = 1; console.error(`${prefix}failed (exit ${r.code})`); }
  }
  return { code, passed, failed };
}

/** vitest's CLI entry as installed for a package (hoisted to the root in this workspace). */
function vitestEntry(dir) {
  for (let d = dir; ; d = dirname(d)) {
    const entry = join(d, 'node_modules', 'vitest', 'vitest.mjs');
    if (existsSync(entry)) return entry;
    if (d === dirname(d) || d === root) return join(root, 'node_modules', 'vitest', 'vitest.mjs');
  }
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
