// Hashing worker entry (node:worker_threads; Deno and Bun run it too). Each worker owns one small
// window buffer, reused for every job, so memory stays flat whatever the input size.
import { parentPort } from 'node:worker_threads';
import { hashChunkFrom, hashScratch } from './chunk-hash.ts';
import { nativeDigests, type Digests } from './digest-native.ts';
import { ReadFailure, SegmentReader } from './read-node.ts';
import type { JobMessage, ResultMessage } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('hash worker: not started as a worker thread');

const scratch = hashScratch();

// @noble/hashes loads only when a job asks for it (tests of the fallback) or node:crypto is absent:
// it is most of this worker's module graph and would add to every worker's start-up time.
let noble: Digests | undefined;
const native = nativeDigests();

port.on('message', (job: JobMessage) => {
  if ((job.noble || !native) && !noble) {
    void import('./digest-noble.ts').then((m) => {
      noble = m.nobleDigests;
      handle(job);
    });
    return;
  }
  handle(job);
});

function handle(job: JobMessage): void {
  let reply: ResultMessage;
  const transfer: ArrayBuffer[] = [];
  try {
    const reader = new SegmentReader(job.segments, job.paths, job.lenient);
    try {
      const digests = job.noble || !native ? noble! : native;
      const { sha1, roots } = hashChunkFrom(digests, job.work, (into, from) => reader.read(into, from), scratch);
      transfer.push(sha1.buffer as ArrayBuffer, roots.buffer as ArrayBuffer);
      reply = { id: job.id, ok: true, sha1, roots, problems: reader.problems };
    } finally {
      reader.close();
    }
  } catch (err) {
    reply = err instanceof ReadFailure
      ? { id: job.id, ok: false, code: err.code, message: err.message, path: err.path }
      : { id: job.id, ok: false, code: 'HASH_FAILED', message: String((err as Error)?.message ?? err) };
  }
  port!.postMessage(reply, transfer);
}
