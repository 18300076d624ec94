#!/usr/bin/env node
// Peer wire throughput, two processes over loopback TCP: a seeder serving 16 KiB blocks from memory
// and a leecher keeping 64 requests outstanding, for @torrentkit/wire (PeerSession + ./tcp) and for
// npm bittorrent-protocol (the anchor), in the same run. Loopback only. Needs `pnpm run build` first.
//   node bench/throughput.mjs [seconds=5] [rounds=2]
import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const BLOCK = 16384;
const PIECE = 1 << 20;
const PIECES = 1 << 16;
const OUTSTANDING = 64;
const infoHash = new Uint8Array(20).fill(0xab);
const data = new Uint8Array(PIECE).map((_, i) => i * 7);

const loadOurs = async () => ({
  wire: await import(pathToFileURL(join(here, '../dist/index.js')).href),
  tcp: await import(pathToFileURL(join(here, '../dist/tcp.js')).href),
});
const loadTheirs = async () =>
  (await import(pathToFileURL(join(root, 'tools/bench/node_modules/bittorrent-protocol/index.js')).href)).default;

const peerId = (n) => new Uint8Array(20).fill(n);
const blockAt = (i) => ({ index: Math.floor(i / (PIECE / BLOCK)) % PIECES, begin: (i % (PIECE / BLOCK)) * BLOCK });

/**
 * Reports MB/s between warm-up end and deadline, plus all bytes moved and this process's CPU time
 * (the machine is shared: CPU per byte is the load-independent figure), then exits.
 */
function meter(seconds, onDone) {
  let bytes = 0;
  let total = 0;
  let start = 0;
  setTimeout(() => {
    start = performance.now();
    bytes = 0;
    setTimeout(() => {
      const cpu = process.cpuUsage();
      onDone({ mbps: bytes / ((performance.now() - start) / 1000) / 1e6, total, cpuMs: (cpu.user + cpu.system) / 1000 });
    }, seconds * 1000);
  }, 1000);
  return (n) => {
    bytes += n;
    total += n;
  };
}

async function seedOurs() {
  const { wire, tcp } = await loadOurs();
  const torrent = { pieceCount: PIECES, pieceLength: PIECE, totalLength: PIECES * PIECE };
  const l = await tcp.listen({ port: 0 }, (c) => {
    const s = new wire.PeerSession({
      infoHash, peerId: peerId(2), torrent, pieces: wire.Bitfield.full(PIECES), reqq: 1000,
      onSend: (d) => c.write(d),
      onEvent: (e) => {
        if (e.type === 'interested') s.unchoke();
        else if (e.type === 'request') s.sendPiece(e.index, e.begin, data.subarray(e.begin, e.begin + e.length));
      },
    });
    tcp.runSession(c, s);
  });
  return l.port;
}

async function leechOurs(port, seconds) {
  const { wire, tcp } = await loadOurs();
  const torrent = { pieceCount: PIECES, pieceLength: PIECE, totalLength: PIECES * PIECE };
  const c = await tcp.connect({ host: '127.0.0.1', port });
  let next = 0;
  const add = meter(seconds, (r) => { console.log(JSON.stringify(r)); process.exit(0); });
  const s = new wire.PeerSession({
    infoHash, peerId: peerId(1), torrent, pieces: new wire.Bitfield(PIECES), maxOutstanding: OUTSTANDING,
    onSend: (d) => c.write(d),
    onEvent: (e) => {
      if (e.type === 'handshake') s.interested();
      else if (e.type === 'unchoke') for (let i = 0; i < OUTSTANDING; i++) { const b = blockAt(next++); s.request(b.index, b.begin, BLOCK); }
      else if (e.type === 'block') { add(e.block.length); const b = blockAt(next++); s.request(b.index, b.begin, BLOCK); }
    },
  });
  tcp.runSession(c, s);
}

async function seedTheirs() {
  const Protocol = await loadTheirs();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const w = new Protocol();
    socket.pipe(w).pipe(socket);
    w.on('handshake', () => w.handshake(infoHash, peerId(2), { dht: false }));
    w.on('interested', () => w.unchoke());
    w.on('request', (index, begin, length, cb) => cb(null, data.subarray(begin, begin + length)));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}

async function leechTheirs(port, seconds) {
  const Protocol = await loadTheirs();
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const w = new Protocol();
  socket.pipe(w).pipe(socket);
  let next = 0;
  const add = meter(seconds, (r) => { console.log(JSON.stringify(r)); process.exit(0); });
  const one = () => {
    const b = blockAt(next++);
    w.request(b.index, b.begin, BLOCK, (err, block) => {
      if (err) return;
      add(block.length);
      one();
    });
  };
  w.on('handshake', () => w.interested());
  w.on('unchoke', () => { for (let i = 0; i < OUTSTANDING; i++) one(); });
  w.handshake(infoHash, peerId(1), { dht: false });
}

function child(args) {
  const p = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  const waiters = [];
  let buf = '';
  p.stdout.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
      while (waiters.length && lines.length) waiters.shift().resolve(lines.shift());
    }
  });
  p.once('exit', (code) => { for (const w of waiters.splice(0)) w.reject(new Error(`${args[0]} exited with ${code}`)); });
  const line = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((resolve, reject) => waiters.push({ resolve, reject })));
  return { p, line };
}

async function round(impl, seconds) {
  const seed = child(['seed', impl]);
  const { port } = await seed.line();
  const leech = child(['leech', impl, String(port), String(seconds)]);
  const r = await leech.line();
  seed.p.kill('SIGTERM');
  const { cpuMs: seedCpu } = await seed.line();
  // CPU milliseconds of both processes together per GB moved (all bytes, warm-up included).
  return { mbps: r.mbps, cpuPerGB: (r.cpuMs + seedCpu) / (r.total / 1e9) };
}

const [role, impl, a, b] = process.argv.slice(2);
if (role === 'seed') {
  // On SIGTERM report this process's CPU time, then exit (which also lets --cpu-prof write a profile).
  process.on('SIGTERM', () => {
    const cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`, () => process.exit(0));
  });
  const port = impl === 'ours' ? await seedOurs() : await seedTheirs();
  console.log(JSON.stringify({ port }));
} else if (role === 'leech') {
  await (impl === 'ours' ? leechOurs(Number(a), Number(b)) : leechTheirs(Number(a), Number(b)));
} else {
  const seconds = Number(role ?? 5);
  const rounds = Number(impl ?? 2);
  const res = { ours: [], theirs: [] };
  for (let r = 0; r < rounds; r++) {
    for (const which of ['theirs', 'ours']) res[which].push(await round(which, seconds));
  }
  const best = (xs) => Math.max(...xs.map((x) => x.mbps));
  const leastCpu = (xs) => Math.min(...xs.map((x) => x.cpuPerGB));
  const show = (xs) => xs.map((x) => `${x.mbps.toFixed(0)} MB/s (${x.cpuPerGB.toFixed(0)} CPU ms/GB)`).join(', ');
  console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`bittorrent-protocol 5.0.9: ${show(res.theirs)}`);
  console.log(`@torrentkit/wire:          ${show(res.ours)}`);
  console.log(`throughput ratio (best of each): ${(best(res.ours) / best(res.theirs)).toFixed(2)}x`);
  console.log(`CPU efficiency ratio (least CPU per GB of each): ${(leastCpu(res.theirs) / leastCpu(res.ours)).toFixed(2)}x`);
}
