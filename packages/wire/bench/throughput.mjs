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

/** Reports bytes received between warm-up end and deadline, then exits. */
function meter(seconds, onDone) {
  let bytes = 0;
  let start = 0;
  setTimeout(() => {
    start = performance.now();
    bytes = 0;
    setTimeout(() => onDone((bytes / ((performance.now() - start) / 1000)) / 1e6), seconds * 1000);
  }, 1000);
  return (n) => (bytes += n);
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
  const add = meter(seconds, (mbps) => { console.log(JSON.stringify({ mbps })); process.exit(0); });
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
  const add = meter(seconds, (mbps) => { console.log(JSON.stringify({ mbps })); process.exit(0); });
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
  const line = new Promise((resolve, reject) => {
    let buf = '';
    p.stdout.on('data', (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(JSON.parse(buf.slice(0, i)));
    });
    p.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return { p, line };
}

async function round(impl, seconds) {
  const seed = child(['seed', impl]);
  try {
    const { port } = await seed.line;
    const leech = child(['leech', impl, String(port), String(seconds)]);
    return (await leech.line).mbps;
  } finally {
    seed.p.kill();
  }
}

const [role, impl, a, b] = process.argv.slice(2);
if (role === 'seed') {
  process.on('SIGTERM', () => process.exit(0)); // lets --cpu-prof write its profile
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
  const best = (xs) => Math.max(...xs);
  console.log(`bittorrent-protocol 5.0.9: ${res.theirs.map((x) => x.toFixed(0)).join(', ')} MB/s`);
  console.log(`@torrentkit/wire:          ${res.ours.map((x) => x.toFixed(0)).join(', ')} MB/s`);
  console.log(`ratio (best of each): ${(best(res.ours) / best(res.theirs)).toFixed(2)}x`);
}
