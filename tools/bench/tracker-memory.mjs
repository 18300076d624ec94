#!/usr/bin/env node
// Memory per peer of our in-memory store at 1 million peers (10,000 swarms x 100 peers), measured in
// a process of its own: heap used plus array buffers (typed-array storage lives outside the JS heap)
// after a full GC, minus the same before, divided by the peers held. The announces go through the
// tracker core's UDP path (connect, then announce) so the store holds what a real server would.
// Run with --expose-gc. Prints one JSON line.
import { createTracker } from '@torrentkit/tracker';

const SWARMS = Number(process.env.TRACKER_MEM_SWARMS ?? 10_000);
const PEERS = Number(process.env.TRACKER_MEM_PEERS ?? 100);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const settle = () => { for (let i = 0; i < 4; i++) globalThis.gc(); };
const used = () => { const m = process.memoryUsage(); return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss }; };

function hashOf(i) {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  v.setUint32(0, 0x746b6d65); v.setUint32(4, i); v.setUint32(8, Math.imul(i, 2654435761) >>> 0);
  return h;
}

const tracker = createTracker({ interval: 1800, expireEvery: 0 });
settle();
const before = used();
const t0 = performance.now();

// every announce comes from one client address; peers differ by peer id and port
const remote = { address: '127.0.0.1', port: 6881 };
const connect = new Uint8Array(16);
new DataView(connect.buffer).setBigUint64(0, 0x41727101980n);
const cr = await tracker.handleUdp(connect, remote);
const connId = cr.subarray(8, 16);
const pkt = new Uint8Array(98);
const dv = new DataView(pkt.buffer);
pkt.set(connId, 0);
dv.setUint32(8, 1);
let refused = 0;
for (let s = 0; s < SWARMS; s++) {
  pkt.set(hashOf(s), 16);
  for (let p = 0; p < PEERS; p++) {
    const id = s * PEERS + p;
    dv.setUint32(12, id); // transaction id
    dv.setUint32(36, 0x2d544b30); dv.setUint32(40, 0x3030312d); dv.setUint32(44, s); dv.setUint32(48, p); dv.setUint32(52, id);
    dv.setBigUint64(64, p < 20 ? 0n : 1000n); // left
    dv.setUint32(80, 2); // started
    dv.setUint32(84, 0); // ip: the sender's
    dv.setUint32(88, id); // key
    dv.setInt32(92, 0); // numwant 0: only store cost
    dv.setUint16(96, 1024 + (id % 60000));
    const reply = await tracker.handleUdp(pkt, remote);
    if (!reply || new DataView(reply.buffer, reply.byteOffset).getUint32(0) !== 1) refused++;
  }
}
const fillSeconds = (performance.now() - t0) / 1000;
settle();
const after = used();
const stats = await tracker.store.stats();
const peers = stats.seeders + stats.leechers;
const out = {
  peers, swarms: stats.swarms, refused, fillSeconds,
  heapPerPeer: (after.heap - before.heap) / peers,
  rssPerPeer: (after.rss - before.rss) / peers,
};
console.log(JSON.stringify(out));
