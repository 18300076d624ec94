#!/usr/bin/env node
// `pnpm bench tracker [--seconds 3] [--rounds 3] [--only memory,memory-node-http,redis,bittorrent-tracker,opentracker]
//                    [--no-memory-per-peer] [--no-core] [--profile DIR]`
//
// Same machine, same run, same load for every server: 1,000 swarms x 100 peers announced first
// (UDP, event=started), then for each phase a fixed-length run of compact announces with numwant 50
// over 50 keep-alive HTTP connections (undici Pool), the same over UDP (BEP 15, 50 requests in flight),
// and single-hash scrapes over both. Each server runs in its own process and the load generator in
// another (tracker-load.mjs); this process only starts them, reads the server's CPU time and RSS
// from /proc, and prints the table with ratios. Servers: ours (serveTracker, default node:net HTTP engine) with the in-memory store,
// the same with httpEngine 'node:http' ("mem node:http"), ours with
// the Redis store (on a private redis-server this script starts), npm bittorrent-tracker and Debian's
// opentracker. A separate child measures our memory store's heap bytes per peer at 1 million peers,
// and another the tracker code alone, without sockets, per CPU second (tracker-core.mjs).
//
// Everything runs inside ../shared/tools/netns-run (loopback only; opentracker refuses to run
// elsewhere): the script re-executes itself there.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOAD, childPids, cpuSeconds, freePort, infoHash, procPid, profileTop, rssMiB } from './tracker-lib.mjs';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const shared = resolve(root, '../shared/tools');
const netns = join(shared, 'netns-run');

if (!process.env.TORRENTKIT_IN_NETNS && existsSync(netns)) {
  const r = spawnSync(netns, [process.execPath, '--expose-gc', import.meta.filename, ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, TORRENTKIT_IN_NETNS: '1' },
  });
  process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const arg = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const SECONDS = Number(arg('seconds', '3'));
const ROUNDS = Number(arg('rounds', '3'));
const only = arg('only')?.split(',');
// --profile DIR: a CPU profile of every Node server in each phase's first round, plus its top functions
const PROFILE_DIR = arg('profile') ? resolve(arg('profile')) : undefined;
if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
const want = (k) => !only || only.includes(k);
const inNetns = !!process.env.TORRENTKIT_IN_NETNS;
const work = mkdtempSync(join(tmpdir(), 'torrentkit-tracker-bench-'));
const children = new Set();
const cleanups = [];
process.on('exit', () => {
  for (const c of children) try { c.kill('SIGKILL'); } catch {}
  for (const f of cleanups) try { f(); } catch {}
  rmSync(work, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// opentracker closes every HTTP connection after its reply; without these, 50 connections' worth
// of TIME_WAIT sockets run out of ephemeral ports. They only touch this network namespace.
if (inNetns) {
  try { writeFileSync('/proc/sys/net/ipv4/tcp_tw_reuse', '1'); writeFileSync('/proc/sys/net/ipv4/ip_local_port_range', '1024 65000'); } catch {}
}

const PHASES = [
  ['http-announce', 'HTTP announce'],
  ['udp-announce', 'UDP announce'],
  ['http-scrape', 'HTTP scrape'],
  ['udp-scrape', 'UDP scrape'],
];

const servers = [];
let haveOurs = false;
try {
  await import('@torrentkit/tracker');
  haveOurs = true;
} catch (e) {
  console.log(`# torrentkit tracker not available (${e.code ?? e.message}); measuring the anchors only`);
}
let redisUrl;
if (haveOurs && want('memory')) servers.push({ key: 'memory', name: 'torrentkit memory', start: () => startNode(['ours', '0']) });
if (haveOurs && want('memory-node-http')) servers.push({ key: 'memory-node-http', name: 'torrentkit mem node:http', start: () => startNode(['ours-node-http', '0']) });
if (haveOurs && want('redis')) {
  redisUrl = await startRedis();
  // the Redis row's CPU columns count the tracker process plus redis-server
  if (redisUrl) servers.push({ key: 'redis', name: 'torrentkit redis', start: async () => ({ ...(await startNode(['ours', '0', redisUrl])), extra: redisPid() }) });
}
if (want('bittorrent-tracker')) servers.push({ key: 'bittorrent-tracker', name: 'bittorrent-tracker', start: () => startNode(['bittorrent-tracker', '0']) });
if (want('opentracker')) {
  if (!inNetns) console.log('# opentracker skipped: ../shared/tools/netns-run not found');
  else if (!which('opentracker')) console.log('# opentracker skipped: not installed (apt-get install opentracker)');
  else servers.push({ key: 'opentracker', name: 'opentracker', start: startOpentracker });
}

console.log(`# tracker bench: ${LOAD.swarms} swarms x ${LOAD.peersPerSwarm} peers (${LOAD.seedersPerSwarm} seeders each), ` +
  `compact, numwant ${LOAD.numwant}, ${LOAD.connections} keep-alive connections / UDP requests in flight, ${SECONDS} s per phase, best of ${ROUNDS} interleaved rounds; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} CPUs`);
// All servers stay up side by side (idle unless measured) and the phases run in rounds, one server
// after the other, keeping each server's best round: the machine is shared, and other work only ever
// slows a run down, so the best of interleaved rounds is the fairest comparison we can make here.
const results = {};
const up = [];
for (const s of servers) {
  try {
    const srv = await s.start();
    const pop = await load({ mode: 'populate-udp', httpPort: srv.httpPort, udpPort: srv.udpPort });
    console.log(`# ${s.name}: populated ${pop.ok} peers at ${fmt(pop.rps)}/s (${pop.timeouts} lost, ${pop.failures} refused)`);
    results[s.key] = { name: s.name, populate: pop, phases: {}, rounds: {} };
    up.push({ ...s, srv });
  } catch (e) {
    console.log(`# ${s.name}: FAILED to start or populate: ${e.message}`);
  }
}
for (const [mode] of PHASES) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of up) {
      const r = results[s.key];
      try {
        const profile = PROFILE_DIR && round === 0 && s.srv.command ? join(PROFILE_DIR, `${s.key}-${mode}.cpuprofile`) : undefined;
        if (profile) await s.srv.command('profile-start');
        const cpuNow = () => cpuSeconds(s.srv.pid) + (s.srv.extra ? cpuSeconds(s.srv.extra) : 0);
        const cpu0 = cpuNow(), t0 = performance.now();
        const res = await load({ mode, httpPort: s.srv.httpPort, udpPort: s.srv.udpPort, seconds: SECONDS, warmup: 1 });
        if (profile) {
          await s.srv.command(`profile-stop ${profile}`, 'profiled');
          const top = profileTop(JSON.parse(readFileSync(profile, 'utf8')), 12);
          console.log(`#   profile of ${s.name} ${mode} (${profile}), self time of busy CPU:\n` +
            top.map(([share, ms, name]) => `#     ${(share * 100).toFixed(1).padStart(5)}% ${ms.toFixed(0).padStart(6)} ms  ${name}`).join('\n'));
        }
        const wall = (performance.now() - t0) / 1000;
        // over the load process's whole life (start-up and warm-up included): a slight underestimate
        const cpu = cpuNow() - cpu0;
        res.serverCpu = cpu / wall;
        // server CPU per answered request (warm-up included): robust against other load on the machine
        res.cpuPerReq = (cpu / Math.max(1, res.all)) * 1e6;
        Object.assign(res, rssMiB(s.srv.pid));
        (r.rounds[mode] ??= []).push(res);
        if (!r.phases[mode] || res.rps > r.phases[mode].rps) r.phases[mode] = res;
        const bad = res.errors + res.failures + res.timeouts;
        console.log(`#   ${s.name.padEnd(18)} ${mode.padEnd(13)} ${fmt(res.rps).padStart(8)} req/s  p99 ${res.p99.toFixed(2)} ms  ` +
          `server CPU ${pctf(res.serverCpu)} (${res.cpuPerReq.toFixed(0)} µs/req)  RSS ${res.rss.toFixed(0)} MiB  load CPU ${pctf(res.genCpu)}` +
          `${bad ? `  errors ${res.errors} refused ${res.failures} lost ${res.timeouts} (${res.firstFailure ?? ''})` : ''}` +
          (round === 0 ? `  reply ${JSON.stringify(res.sample)}` : ''));
      } catch (e) {
        console.log(`#   ${s.name} ${mode}: FAILED: ${e.message}`);
      }
    }
  }
}
for (const s of up) await s.srv.stop();

let perPeer;
if (haveOurs && !args.includes('--no-memory-per-peer')) {
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'tracker-memory.mjs')], { encoding: 'utf8', timeout: 300_000 });
  if (r.status === 0) perPeer = JSON.parse(r.stdout.trim().split('\n').pop());
  else console.log(`# memory per peer: FAILED (${r.stderr.trim().split('\n').slice(-3).join(' | ')})`);
}

let core;
if (haveOurs && !args.includes('--no-core')) {
  const r = spawnSync(process.execPath, [join(here, 'tracker-core.mjs'), '50000'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0) core = JSON.parse(r.stdout.trim().split('\n').pop());
  else console.log(`# core only: FAILED (${r.stderr.trim().split('\n').slice(-3).join(' | ')})`);
}

printTable();
process.exit(0);

// ---------------------------------------------------------------------------------------------

function printTable() {
  const keys = Object.keys(results);
  const anchorKeys = keys.filter((k) => k === 'bittorrent-tracker' || k === 'opentracker');
  const head = ['phase', 'server', 'req/s', 'p99 ms', 'CPU', 'CPU µs/req', 'RSS MiB', ...anchorKeys.map((k) => `vs ${k}`)];
  const rows = [];
  for (const [mode, label] of PHASES) {
    for (const k of keys) {
      const p = results[k].phases[mode];
      if (!p) continue;
      const best = Math.min(...results[k].rounds[mode].map((x) => x.cpuPerReq));
      rows.push([label, results[k].name, fmt(p.rps), p.p99.toFixed(2), pctf(p.serverCpu), best.toFixed(0), p.rss.toFixed(0),
        ...anchorKeys.map((a) => (a === k || !results[a].phases[mode] ? '' : `${(p.rps / results[a].phases[mode].rps).toFixed(2)}x`))]);
    }
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  console.log('\n' + line(head));
  console.log('|' + w.map((n, i) => (i < 2 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(r));

  console.log(`req/s and p99: the best of ${ROUNDS} interleaved rounds of ${SECONDS} s; CPU: server CPU time / wall time in that` +
    ' round; CPU µs/req: server CPU time per answered request, lowest round (insensitive to other load on the machine);' +
    ' RSS after the round. The load generator runs in its own process.');
  const ratio = (mode) => {
    const a = results.memory?.phases[mode], b = results['bittorrent-tracker']?.phases[mode];
    return a && b ? a.rps / b.rps : undefined;
  };
  const cpuRatio = (mode) => {
    const a = results.memory?.rounds[mode], b = results['bittorrent-tracker']?.rounds[mode];
    if (!a || !b) return '';
    const best = (r) => Math.min(...r.map((x) => x.cpuPerReq));
    return `; CPU per request ${(best(b) / best(a)).toFixed(2)}x less`;
  };
  console.log('\ntargets (torrentkit memory store vs bittorrent-tracker, same run):');
  const h = ratio('http-announce'), u = ratio('udp-announce');
  console.log(`  HTTP announce >= 4x: ${h === undefined ? 'not measured' : `${h.toFixed(2)}x ${h >= 4 ? 'MET' : 'MISSED'}${cpuRatio('http-announce')}`}`);
  console.log(`  UDP announce  >= 5x: ${u === undefined ? 'not measured' : `${u.toFixed(2)}x ${u >= 5 ? 'MET' : 'MISSED'}${cpuRatio('udp-announce')}`}`);
  if (perPeer) {
    console.log(`  memory < 200 B/peer at ${perPeer.peers.toLocaleString('en')} peers: ${perPeer.heapPerPeer.toFixed(1)} B heap/peer ` +
      `(${perPeer.rssPerPeer.toFixed(1)} B RSS/peer, ${perPeer.swarms} swarms) ${perPeer.heapPerPeer < 200 ? 'MET' : 'MISSED'}`);
  } else console.log('  memory < 200 B/peer at 1M peers: not measured');
  if (core) {
    const o = core.ours, b = core['bittorrent-tracker'];
    console.log(`  tracker code alone (no sockets, requests per CPU second, tracker-core.mjs): HTTP announce ${fmt(o.http)} vs ${fmt(b.http)} ` +
      `= ${(o.http / b.http).toFixed(2)}x; UDP announce ${fmt(o.udp)} vs ${fmt(b.udp)} = ${(o.udp / b.udp).toFixed(2)}x`);
  }
  const [l1, l5] = os.loadavg();
  console.log(`  machine load average at the end: ${l1.toFixed(1)} (1 min), ${l5.toFixed(1)} (5 min) on ${os.availableParallelism()} CPUs` +
    (l5 > os.availableParallelism() ? ' - other work competed for the CPUs: trust the CPU µs/req and core-only ratios more than req/s' : ''));
  if (results.redis) {
    const r = results.redis.phases;
    console.log(`  Redis store: HTTP announce ${fmt(r['http-announce']?.rps)}/s, UDP announce ${fmt(r['udp-announce']?.rps)}/s, ` +
      `HTTP scrape ${fmt(r['http-scrape']?.rps)}/s (its CPU columns include redis-server)`);
  }
}

function fmt(n) { return n === undefined || Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en'); }
function pctf(x) { return `${Math.round(x * 100)}%`; }
function which(cmd) { return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim(); }

/** Runs tracker-load.mjs in its own process and returns its JSON line. */
function load(opts) {
  return new Promise((done, fail) => {
    const c = spawn(process.execPath, [join(here, 'tracker-load.mjs'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let out = '', err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    c.on('close', (code) => {
      children.delete(c);
      if (code !== 0) fail(new Error(`load generator exited ${code}: ${err.trim().split('\n').slice(-4).join(' | ')}`));
      else done(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** Starts tracker-server.mjs with the given arguments; resolves once it printed its ready line. */
function startNode(argv) {
  return new Promise((done, fail) => {
    const c = spawn(process.execPath, [join(here, 'tracker-server.mjs'), ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(c);
    let out = '', err = '', started = false;
    const waiters = [];
    const timer = setTimeout(() => fail(new Error(`server did not start: ${err}`)), 30_000);
    c.stderr.on('data', (d) => { err += d; if (err.length > 4000) err = err.slice(-4000); });
    c.stdout.on('data', (d) => {
      out += d;
      for (let nl; (nl = out.indexOf('\n')) >= 0;) {
        const msg = JSON.parse(out.slice(0, nl));
        out = out.slice(nl + 1);
        if (!started) {
          started = true;
          clearTimeout(timer);
          done({
            ...msg, pid: procPid(c.pid),
            /** Sends one command line; with `until`, resolves when a reply line has that key. */
            command: (line, until) => new Promise((r) => {
              if (until) waiters.push({ until, r }); c.stdin.write(line + '\n'); if (!until) setTimeout(r, 50);
            }),
            stop: () => new Promise((r) => {
              if (c.exitCode !== null) { r(); return; }
              c.on('close', () => { children.delete(c); r(); });
              c.kill('SIGTERM');
              setTimeout(() => c.kill('SIGKILL'), 5000).unref();
            }),
          });
        } else {
          const i = waiters.findIndex((w) => w.until in msg);
          if (i >= 0) waiters.splice(i, 1)[0].r(msg);
        }
      }
    });
    c.on('close', (code) => { clearTimeout(timer); if (!started) fail(new Error(`server exited ${code}: ${err.trim()}`)); });
  });
}

/** Debian opentracker through the shared script (whitelist-only: every swarm of the load is listed). */
async function startOpentracker() {
  const port = await freePort();
  const hashes = Array.from({ length: LOAD.swarms }, (_, i) => Buffer.from(infoHash(i)).toString('hex'));
  const dir = join(work, 'opentracker');
  const c = spawn(join(shared, 'interop/opentracker.sh'), [dir, String(port), ...hashes], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TIMEOUT: '900' },
  });
  children.add(c);
  let err = '';
  c.stderr.on('data', (d) => { err += d; });
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (c.exitCode !== null || Date.now() > deadline) throw new Error(`opentracker did not start: ${err.trim()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // the script execs `timeout`, which runs opentracker as its child: measure that process
  const timeoutPid = procPid(c.pid);
  let pid;
  for (let i = 0; i < 50 && !pid; i++) { pid = childPids(timeoutPid)[0]; if (!pid) await new Promise((r) => setTimeout(r, 100)); }
  return {
    httpPort: port, udpPort: port, pid: pid ?? timeoutPid,
    stop: () => new Promise((r) => { if (c.exitCode !== null) { r(); return; } c.on('close', r); c.kill('SIGTERM'); }),
  };
}

function canConnect(port) {
  return new Promise((r) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); r(true); });
    s.on('error', () => r(false));
  });
}

/** The /proc id of the redis-server started by startRedis (it daemonizes; its pidfile has our namespace's id). */
function redisPid() {
  try { return procPid(Number(readFileSync(join(work, 'redis.pid'), 'utf8').trim())); } catch { return undefined; }
}

/** A private redis-server for the Redis store (no persistence); undefined when not installed. */
async function startRedis() {
  if (process.env.TRACKER_BENCH_REDIS_URL) return process.env.TRACKER_BENCH_REDIS_URL;
  if (!which('redis-server')) { console.log('# Redis store skipped: redis-server not installed'); return undefined; }
  const port = await freePort();
  const r = spawnSync('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--daemonize', 'yes',
    '--pidfile', join(work, 'redis.pid'), '--dir', work, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  if (r.status !== 0) { console.log('# Redis store skipped: redis-server did not start'); return undefined; }
  cleanups.push(() => spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' }));
  for (let i = 0; i < 50; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log('# Redis store skipped: redis-server did not answer');
  return undefined;
}
