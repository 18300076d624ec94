// Shared pieces of the tracker benchmark: the synthetic swarms every server gets (same info hashes,
// same peer ids, same ports), request builders for HTTP (BEP 3/23) and UDP (BEP 15), and readers for
// a server process's CPU time and RSS from /proc. Node only; the benchmark is not part of any package.
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** The load every server gets: 1,000 swarms x 100 peers, 20 seeders each. */
export const LOAD = { swarms: 1000, peersPerSwarm: 100, seedersPerSwarm: 20, numwant: 50, connections: 50 };

/** Deterministic 20-byte info hash of swarm `i` (SHA-1 of a label, so every run uses the same ones). */
export function infoHash(i) {
  return new Uint8Array(createHash('sha1').update(`torrentkit-bench-swarm-${i}`).digest());
}

/** 20-byte peer id of peer `p` in swarm `s`: an Azureus-style prefix and 12 ASCII digits. */
export function peerId(s, p) {
  return new TextEncoder().encode(`-TK0001-${String(s).padStart(7, '0')}${String(p).padStart(5, '0')}`);
}

/** Listening port of peer `p`: distinct within a swarm, because opentracker keys peers by ip:port. */
export const peerPort = (p) => 20000 + p;

/** `left` of peer `p`: the first `seedersPerSwarm` peers are seeders. */
export const peerLeft = (p) => (p < LOAD.seedersPerSwarm ? 0 : 1_000_000);

const HEX = Array.from({ length: 256 }, (_, b) => '%' + b.toString(16).padStart(2, '0').toUpperCase());
/** Percent-encodes every byte: binary-safe and identical for every server. */
export function pct(bytes) {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

/** Path of an HTTP announce (compact, numwant 50) for peer `p` of swarm `s`. */
export function announcePath(hashQ, s, p, event) {
  return `/announce?info_hash=${hashQ[s]}&peer_id=${pct(peerId(s, p))}&port=${peerPort(p)}` +
    `&uploaded=0&downloaded=0&left=${peerLeft(p)}&compact=1&numwant=${LOAD.numwant}` +
    (event ? `&event=${event}` : '');
}

/** Path of an HTTP scrape for swarm `s`. */
export const scrapePath = (hashQ, s) => `/scrape?info_hash=${hashQ[s]}`;

/** BEP 15 connect request. */
export function udpConnect(tid) {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(0x41727101980n, 0);
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(tid >>> 0, 12);
  return b;
}

/** BEP 15 announce request (98 bytes) for peer `p` of swarm `s`. */
export function udpAnnounce(connId, tid, hash, s, p, event = 0) {
  const b = Buffer.alloc(98);
  connId.copy(b, 0);
  b.writeUInt32BE(1, 8);
  b.writeUInt32BE(tid >>> 0, 12);
  b.set(hash, 16);
  b.set(peerId(s, p), 36);
  b.writeBigUInt64BE(0n, 56); // downloaded
  b.writeBigUInt64BE(BigInt(peerLeft(p)), 64);
  b.writeBigUInt64BE(0n, 72); // uploaded
  b.writeUInt32BE(event, 80); // 0 none, 1 completed, 2 started, 3 stopped
  b.writeUInt32BE(0, 84); // ip: use the sender's
  b.writeUInt32BE((s * 1000 + p) >>> 0, 88); // key
  b.writeInt32BE(LOAD.numwant, 92);
  b.writeUInt16BE(peerPort(p), 96);
  return b;
}

/** BEP 15 scrape request for the given info hashes. */
export function udpScrape(connId, tid, hashes) {
  const b = Buffer.alloc(16 + 20 * hashes.length);
  connId.copy(b, 0);
  b.writeUInt32BE(2, 8);
  b.writeUInt32BE(tid >>> 0, 12);
  hashes.forEach((h, i) => b.set(h, 16 + 20 * i));
  return b;
}

/**
 * Reads `complete`, `incomplete` and the compact peer count out of a bencoded announce reply without
 * a full decode (the generator must stay cheap); `failure` holds a failure reason if there is one.
 */
export function summarizeAnnounce(bytes) {
  const s = Buffer.from(bytes).toString('latin1');
  const num = (key) => { const m = new RegExp(`${key.length}:${key}i(-?\\d+)e`).exec(s); return m ? Number(m[1]) : undefined; };
  const peers = /5:peers(\d+):/.exec(s);
  const failure = /14:failure reason(\d+):/.exec(s);
  return {
    complete: num('complete'), incomplete: num('incomplete'),
    peers: peers ? Number(peers[1]) / 6 : undefined,
    failure: failure ? s.substr(failure.index + failure[0].length, Number(failure[1])) : undefined,
  };
}

/** A free TCP+UDP port number on 127.0.0.1 (for servers that cannot be told to use port 0). */
export async function freePort() {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise((resolve, reject) => {
      const srv = createServer().listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); });
      srv.on('error', reject);
    });
    const ok = await new Promise((resolve) => {
      const u = createSocket('udp4');
      u.on('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port');
}

const TICK = 100; // USER_HZ on Linux
/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK; // fields 14 and 15: utime, stime
}

/** Resident set size and its peak, in MiB. */
export function rssMiB(pid) {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(st)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** The children of a process (e.g. opentracker under `timeout`). */
export function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * The /proc id of a child process. netns-run gives us a new PID namespace but keeps the host's /proc,
 * so `child.pid` (our namespace's number) is not what /proc lists: walk our descendants in /proc and
 * match the last NSpid entry. Outside a PID namespace both numbers are the same.
 */
export function procPid(nsPid) {
  let self;
  try { self = Number(readlinkSync('/proc/self')); } catch { return nsPid; }
  const queue = [self];
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    for (const c of childPids(queue[i])) {
      try {
        const ns = /NSpid:\s+([\d\s]+)/.exec(readFileSync(`/proc/${c}/status`, 'utf8'))[1].trim().split(/\s+/);
        if (Number(ns[ns.length - 1]) === nsPid) return c;
      } catch {}
      queue.push(c);
    }
  }
  return nsPid;
}

/** Percentile of a sorted Float64Array. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * The functions that cost the most CPU in a V8 CPU profile (Profiler.stop / --cpu-prof format):
 * self time per function, idle excluded, as [share of busy time, ms, "name file:line"] rows.
 */
export function profileTop(profile, n = 12) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const cf = byId.get(id).callFrame;
    if (cf.functionName === '(idle)') return;
    const t = profile.timeDeltas[i] ?? 0;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? cf.url.split('/').slice(-2).join('/') + ':' + (cf.lineNumber + 1) : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + t);
    busy += t;
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => [t / busy, t / 1000, k]);
}
