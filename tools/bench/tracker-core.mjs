#!/usr/bin/env node
// Tracker logic without sockets: the same requests as the server benchmark (1,000 swarms x 100 peers,
// compact, numwant 50), handed straight to each tracker's request handler in this process, and
// counted per CPU second (process.cpuUsage), which other load on a shared machine barely moves.
// Ours: createTracker().handleHttpTarget / handleUdp. bittorrent-tracker: Server#onHttpRequest with a
// minimal request/response pair, and Server#onUdpRequest with a stub socket. This is the part of a
// request's cost that the tracker code owns; the rest is the HTTP stack and the kernel.
// Usage: node tracker-core.mjs [ops per phase]. Prints one JSON line.
import { createTracker } from '@torrentkit/tracker';
import { LOAD, announcePath, infoHash, pct, udpAnnounce, udpConnect } from './tracker-lib.mjs';

const OPS = Number(process.argv[2] ?? 100_000);
const hashes = Array.from({ length: LOAD.swarms }, (_, i) => infoHash(i));
const hashQ = hashes.map(pct);
let seed = 0x2545f491;
const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };

/** Runs `op(s, p)` for every pre-made pair and returns answered requests per CPU second. */
async function measure(op) {
  const pairs = Array.from({ length: OPS }, () => [rand(LOAD.swarms), rand(LOAD.peersPerSwarm)]);
  const c0 = process.cpuUsage();
  for (const [s, p] of pairs) await op(s, p);
  const c = process.cpuUsage(c0);
  return OPS / ((c.user + c.system) / 1e6);
}

async function populate(op) {
  for (let s = 0; s < LOAD.swarms; s++) for (let p = 0; p < LOAD.peersPerSwarm; p++) await op(s, p, true);
}

const out = {};

/** Both paths must answer with peers, not a failure, or the figures mean nothing. */
function check(who, httpBody, udpReply) {
  const text = Buffer.from(httpBody).toString('latin1');
  if (!/5:peers300:/.test(text)) throw new Error(`${who}: unexpected HTTP reply ${text.slice(0, 120)}`);
  if (Buffer.from(udpReply).readUInt32BE(0) !== 1 || udpReply.length !== 20 + 50 * 6) throw new Error(`${who}: unexpected UDP reply`);
}

{ // ours
  const t = createTracker({ interval: 1800 });
  const http = (s, p, start) => t.handleHttpTarget('GET', announcePath(hashQ, s, p, start ? 'started' : undefined), '127.0.0.1');
  const remote = { address: '127.0.0.1', port: 40000, family: 'IPv4' };
  const conn = await t.handleUdp(udpConnect(1), remote);
  const connId = Buffer.from(conn.subarray(8, 16));
  const udp = (s, p, start) => t.handleUdp(udpAnnounce(connId, 2, hashes[s], s, p, start ? 2 : 0), remote);
  await populate(udp);
  check('ours', (await http(1, 50)).body, await udp(1, 50));
  out.ours = { http: await measure(http), udp: await measure(udp) };
  await t.close();
}

{ // bittorrent-tracker
  const { default: Server } = await import('bittorrent-tracker/server');
  const server = new Server({ http: false, udp: false, ws: false, stats: false, interval: 1800 * 1000 });
  server.on('warning', () => {});
  server.on('error', () => {});
  let pending;
  server.udp4 = { send: (buf) => { pending?.(buf); } }; // where onUdpRequest writes its reply
  const http = (s, p, start) => new Promise((done) => {
    const req = { url: announcePath(hashQ, s, p, start ? 'started' : undefined), headers: {}, connection: { remoteAddress: '127.0.0.1' } };
    server.onHttpRequest(req, { end: done });
  });
  const connId = Buffer.from([0, 0, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80]); // it accepts only its own constant id
  const rinfo = { address: '127.0.0.1', port: 40000, family: 'IPv4' };
  const udp = (s, p, start) => new Promise((done) => {
    pending = done;
    server.onUdpRequest(udpAnnounce(connId, 2, hashes[s], s, p, start ? 2 : 0), rinfo);
  });
  await populate(udp);
  check('bittorrent-tracker', await http(1, 50), await udp(1, 50));
  out['bittorrent-tracker'] = { http: await measure(http), udp: await measure(udp) };
}

console.log(JSON.stringify(out));
process.exit(0);
