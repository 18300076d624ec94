// The least a JavaScript runtime can take to hash one file into v1 pieces on this machine: start,
// spawn a worker for every core but this thread's, and have every thread do nothing but take the
// next piece from a shared counter, read it into a page-aligned buffer and SHA-1 it into shared
// memory (no messages per piece, no torrent, no checks). What it prints is the SHA-1 of the
// concatenated piece hashes, which the benchmark compares with the `pieces` of our torrent, so both
// did the same work.
// Usage: node|bun create-torrent-floor.mjs FILE PIECE_LENGTH
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  const [path, pl] = [process.argv[2], Number(process.argv[3])];
  const pieces = Math.ceil(statSync(path).size / pl);
  const job = { path, pl, pieces, next: new SharedArrayBuffer(4), out: new SharedArrayBuffer(pieces * 20) };
  const others = Array.from({ length: availableParallelism() - 1 }, () => new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: job });
    w.once('message', resolve);
    w.once('error', reject);
  }));
  hashPieces(job);
  await Promise.all(others);
  console.log(createHash('sha1').update(new Uint8Array(job.out)).digest('hex'));
  process.exit(0);
} else {
  hashPieces(workerData);
  parentPort.postMessage('done');
}

function hashPieces({ path, pl, pieces, next, out }) {
  const counter = new Int32Array(next);
  const hashes = new Uint8Array(out);
  const buf = new Uint8Array(new WebAssembly.Memory({ initial: Math.ceil(pl / 65536) }).buffer, 0, pl);
  const fd = openSync(path, 'r');
  for (let p = Atomics.add(counter, 0, 1); p < pieces; p = Atomics.add(counter, 0, 1)) {
    const n = readSync(fd, buf, 0, pl, p * pl);
    hashes.set(createHash('sha1').update(buf.subarray(0, n)).digest(), p * 20);
  }
  closeSync(fd);
}
