#!/usr/bin/env node
// `pnpm bench wire [seconds]`: peer wire throughput, two processes over loopback TCP. A server process
// answers every request with a 16 KiB block from memory; this process keeps 64 requests outstanding
// and counts payload bytes. Ours is the whole @torrentkit/wire stack (PeerSession over ./tcp); also
// shown: the bare codec (WireParser + encoders) over node:net. Against npm bittorrent-protocol,
// alternating rounds in the same run; best round of each. Target: ours >= 2x the anchor.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { table } from './bench-util.mjs';
import { runClient } from './wire-client.mjs';

const seconds = Number(process.argv[2] ?? 3);
const ROUNDS = 3;
const DEPTH = 64;
const kinds = ['bittorrent-protocol', 'ours', 'ours-codec'];

async function startServer(kind) {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'wire-peer.mjs'), 'serve', kind], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout });
  const [line] = await once(rl, 'line');
  return { child, port: JSON.parse(line).port };
}

const best = Object.fromEntries(kinds.map((k) => [k, 0]));
for (let r = 0; r < ROUNDS; r++) {
  for (const kind of kinds) {
    const { child, port } = await startServer(kind);
    try {
      const { bytes, ms } = await runClient(kind, port, { depth: DEPTH, ms: seconds * 1000 });
      const mbps = bytes / 1e6 / (ms / 1000);
      console.log(`round ${r + 1} ${kind.padEnd(20)} ${mbps.toFixed(0)} MB/s`);
      if (bytes === 0) throw new Error(`${kind}: no data moved`);
      best[kind] = Math.max(best[kind], mbps);
    } finally {
      child.stdin.end();
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}
const anchor = best['bittorrent-protocol'];
console.log('');
console.log(`wire: 16 KiB blocks from memory, ${DEPTH} requests outstanding, loopback TCP, two processes, best of ${ROUNDS} x ${seconds} s`);
const label = { 'bittorrent-protocol': 'bittorrent-protocol 5.0.9 (anchor)', ours: 'ours: PeerSession + tcp', 'ours-codec': 'ours: codec only + node:net' };
console.log(table(['implementation', 'MB/s', 'x anchor'], kinds.map((k) => [label[k], best[k].toFixed(0), (best[k] / anchor).toFixed(2)])));
console.log(`\nours / bittorrent-protocol = ${(best.ours / anchor).toFixed(2)}x (target >= 2x)`);
