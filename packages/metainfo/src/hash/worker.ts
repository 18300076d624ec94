// Hashing worker entry (node:worker_threads; Deno and Bun run it too). Each worker owns one chunk
// buffer, reused for every job, so memory stays at (threads x chunk size) whatever the input size.
import { parentPort } from 'node:worker_threads';
import { hashChunk } from './chunk-hash.ts';
import { defaultDigests, nobleDigests } from './digest.ts';
import { fillChunk, ReadFailure } from './read-node.ts';
import type { JobMessage, ResultMessage } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('hash worker: not started as a worker thread');

let buf = new Uint8Array(0);
const scratch = { leaves: new Uint8Array(0) };

port.on('message', (job: JobMessage) => {
  let reply: ResultMessage;
  const transfer: ArrayBuffer[] = [];
  try {
    if (buf.length < job.work.length) buf = new Uint8Array(job.work.length);
    const problems = fillChunk(buf, job.work.length, job.segments, job.paths, job.lenient);
    const digests = job.noble ? nobleDigests : defaultDigests();
    const { sha1, roots } = hashChunk(digests, buf.subarray(0, job.work.length), job.work, scratch);
    transfer.push(sha1.buffer as ArrayBuffer, roots.buffer as ArrayBuffer);
    reply = { id: job.id, ok: true, sha1, roots, problems };
  } catch (err) {
    reply = err instanceof ReadFailure
      ? { id: job.id, ok: false, code: err.code, message: err.message, path: err.path }
      : { id: job.id, ok: false, code: 'HASH_FAILED', message: String((err as Error)?.message ?? err) };
  }
  port.postMessage(reply, transfer);
});
