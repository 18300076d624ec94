#!/usr/bin/env node
// Load generator for the tracker benchmark, run as its own process so it never shares a CPU budget
// with the server it measures. Usage: node tracker-load.mjs '<json>' with
//   { mode, host, httpPort, udpPort, seconds, warmup, maxRequests, window }
// mode: populate-http | populate-udp   announce every peer of every swarm once (event=started)
//       http-announce | udp-announce | http-scrape | udp-scrape   random peers/swarms for `seconds`
// HTTP goes through one undici Pool with `window` keep-alive connections (one request in flight each);
// UDP through one dgram socket with at most `window` requests in flight. Every loop is bounded by
// count (maxRequests) and by time (seconds, plus a hard stop). Prints one JSON line.
import { createSocket } from 'node:dgram';
import { Pool } from 'undici';
import {
  LOAD, announcePath, infoHash, pct, percentile, scrapePath, summarizeAnnounce,
  udpAnnounce, udpConnect, udpScrape,
} from './tracker-lib.mjs';

const opt = { seconds: 5, warmup: 1, maxRequests: 3_000_000, window: LOAD.connections, host: '127.0.0.1', ...JSON.parse(process.argv[2] ?? '{}') };
const hashes = Array.from({ length: LOAD.swarms }, (_, i) => infoHash(i));
const hashQ = hashes.map(pct);

// xorshift32: the same request sequence in every run and for every server
let seed = 0x9e3779b9;
const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };

const populate = opt.mode.startsWith('populate');
const total = populate ? LOAD.swarms * LOAD.peersPerSwarm : opt.maxRequests;
const lat = new Float64Array(Math.min(total, opt.maxRequests));
let nLat = 0, all = 0, errors = 0, failures = 0, timeouts = 0, sample;
let firstFailure;
const cpu0 = process.cpuUsage();
const hardStop = Date.now() + 1000 * (populate ? 180 : opt.seconds + opt.warmup + 30);

const result = opt.mode.startsWith('udp') || opt.mode === 'populate-udp' ? await runUdp() : await runHttp();
const cpu = process.cpuUsage(cpu0);
const sorted = lat.subarray(0, nLat).sort();
console.log(JSON.stringify({
  mode: opt.mode, ok: nLat, all, errors, failures, timeouts, seconds: result.seconds,
  rps: nLat / result.seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[nLat - 1] ?? NaN,
  sample, firstFailure, genCpu: (cpu.user + cpu.system) / 1e6 / result.elapsed,
}));
process.exit(0);

/** Next (swarm, peer) pair: in order while populating, random while measuring. */
function* pairs() {
  if (populate) {
    for (let s = 0; s < LOAD.swarms; s++) for (let p = 0; p < LOAD.peersPerSwarm; p++) yield [s, p];
  } else {
    for (;;) yield [rand(LOAD.swarms), rand(LOAD.peersPerSwarm)];
  }
}

async function runHttp() {
  const pool = new Pool(`http://${opt.host}:${opt.httpPort}`, {
    connections: opt.window, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000,
    headersTimeout: 10_000, bodyTimeout: 10_000,
  });
  const scrape = opt.mode === 'http-scrape';
  const gen = pairs();
  const t0 = performance.now();
  const measureFrom = populate ? t0 : t0 + opt.warmup * 1000;
  const end = populate ? Infinity : measureFrom + opt.seconds * 1000;
  let sent = 0;
  const worker = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= end || Date.now() > hardStop || sent >= total) return;
      const next = gen.next();
      if (next.done) return;
      const [s, p] = next.value;
      sent++;
      const path = scrape ? scrapePath(hashQ, s) : announcePath(hashQ, s, p, populate ? 'started' : undefined);
      const start = performance.now();
      try {
        const res = await pool.request({ method: 'GET', path });
        const body = new Uint8Array(await res.body.arrayBuffer());
        const t = performance.now();
        if (res.statusCode !== 200) { errors++; continue; }
        if (!sample && !populate && start >= measureFrom) sample = scrape ? scrapeSummary(body) : summarizeAnnounce(body);
        if (body.length > 14 && Buffer.from(body.subarray(0, 20)).toString('latin1').includes('failure')) {
          failures++; firstFailure ??= Buffer.from(body).toString('latin1').slice(0, 200); continue;
        }
        all++;
        if (start >= measureFrom && nLat < lat.length) lat[nLat++] = t - start;
      } catch (e) {
        errors++;
        firstFailure ??= String(e?.code ?? e?.message ?? e);
      }
    }
  };
  await Promise.all(Array.from({ length: opt.window }, worker));
  const t1 = performance.now();
  await pool.close();
  return { seconds: (Math.min(t1, end) - measureFrom) / 1000, elapsed: (t1 - t0) / 1000 };
}

function scrapeSummary(body) {
  const s = Buffer.from(body).toString('latin1');
  const num = (k) => Number(new RegExp(`${k.length}:${k}i(\\d+)e`).exec(s)?.[1]);
  return { complete: num('complete'), incomplete: num('incomplete'), downloaded: num('downloaded') };
}

async function runUdp() {
  const sock = createSocket('udp4');
  await new Promise((r) => sock.bind(0, opt.host, r));
  sock.setRecvBufferSize?.(4 << 20);
  let connId;
  let connWaiter;
  const inflight = new Map(); // tid -> [start, s, p] (populate retries lost pairs)
  let tid = 1;
  const gen = pairs();
  const retry = [];
  const t0 = performance.now();
  const measureFrom = populate ? t0 : t0 + opt.warmup * 1000;
  const end = populate ? Infinity : measureFrom + opt.seconds * 1000;
  let sent = 0, done = false, resolveDone;
  const finished = new Promise((r) => { resolveDone = r; });

  sock.on('message', (msg) => {
    if (msg.length < 8) { errors++; return; }
    const action = msg.readUInt32BE(0), id = msg.readUInt32BE(4);
    if (action === 0 && connWaiter && id === connWaiter.tid) { connWaiter.resolve(msg.subarray(8, 16)); return; }
    const rec = inflight.get(id);
    if (!rec) return; // late reply to a request already counted as timed out
    inflight.delete(id);
    const t = performance.now();
    if (action === 3) {
      failures++;
      firstFailure ??= msg.subarray(8).toString('latin1');
      if (populate) retry.push([rec[1], rec[2]]);
      // an expired or refused connection id: get a new one before going on
      if (/connection/i.test(msg.subarray(8).toString('latin1'))) { connect().then(pump, fail); return; }
    } else {
      if (!sample && !populate && rec[0] >= measureFrom) {
        sample = action === 1
          ? { interval: msg.readUInt32BE(8), incomplete: msg.readUInt32BE(12), complete: msg.readUInt32BE(16), peers: (msg.length - 20) / 6 }
          : { complete: msg.readUInt32BE(8), downloaded: msg.readUInt32BE(12), incomplete: msg.readUInt32BE(16) };
      }
      all++;
      if (rec[0] >= measureFrom && nLat < lat.length) lat[nLat++] = t - rec[0];
    }
    pump();
  });

  function connect() {
    return new Promise((resolve, reject) => {
      let tries = 0;
      const attempt = () => {
        if (++tries > 5) { connWaiter = undefined; reject(new Error('UDP connect: no reply')); return; }
        const my = tid++;
        const timer = setTimeout(attempt, 1000);
        connWaiter = { tid: my, resolve: (id) => { clearTimeout(timer); connWaiter = undefined; connId = Buffer.from(id); resolve(); } };
        sock.send(udpConnect(my), opt.udpPort, opt.host);
      };
      attempt();
    });
  }

  function pump() {
    while (!done && !connWaiter && inflight.size < opt.window) {
      const now = performance.now();
      if (now >= end || Date.now() > hardStop || (sent >= total && retry.length === 0)) {
        if (inflight.size === 0 || now >= end || Date.now() > hardStop) { done = true; resolveDone(); }
        return;
      }
      let s, p;
      if (retry.length) [s, p] = retry.pop();
      else if (sent < total) { [s, p] = gen.next().value; sent++; }
      else return;
      const my = tid++ >>> 0;
      const pkt = opt.mode === 'udp-scrape' ? udpScrape(connId, my, [hashes[s]]) : udpAnnounce(connId, my, hashes[s], s, p, populate ? 2 : 0);
      inflight.set(my, [performance.now(), s, p]);
      sock.send(pkt, opt.udpPort, opt.host);
    }
  }
  function fail(e) { errors++; firstFailure ??= String(e.message); done = true; resolveDone(); }

  // Lost datagrams: after 1 s a request counts as timed out (and is retried while populating).
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const [id, rec] of inflight) {
      if (now - rec[0] > 1000) { inflight.delete(id); timeouts++; if (populate) retry.push([rec[1], rec[2]]); }
    }
    pump();
  }, 200);
  // BEP 15 connection ids live for about a minute: refresh well before that.
  const refresher = setInterval(() => { if (!connWaiter) connect().then(pump, fail); }, 30_000);

  await connect();
  pump();
  await finished;
  const t1 = performance.now();
  clearInterval(sweeper); clearInterval(refresher);
  sock.close();
  return { seconds: (Math.min(t1, end) - measureFrom) / 1000, elapsed: (t1 - t0) / 1000 };
}
