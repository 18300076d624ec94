// What a hashing worker does with one job, whichever kind of worker runs it (node:worker_threads on
// Node, a Web Worker on Deno and Bun): read the segments through this worker's one window buffer,
// reused for every job so memory stays flat whatever the input size, and hash them.
import { hashChunkFrom, hashScratch } from './chunk-hash.ts';
import { nativeDigests, type Digests } from './digest-native.ts';
import { ReadFailure, SegmentReader } from './read-node.ts';
import type { JobMessage, ResultMessage } from './worker-protocol.ts';

const scratch = hashScratch();
const native = nativeDigests();
// @noble/hashes loads only when a job asks for it (tests of the fallback) or node:crypto is absent:
// it is most of a worker's module graph and would add to every worker's start-up time.
let noble: Digests | undefined;

/** Run `job`; `reply` gets the result and the buffers to transfer with it. */
export function runJob(job: JobMessage, reply: (result: ResultMessage, transfer: ArrayBuffer[]) => void): void {
  if ((job.noble || !native) && !noble) {
    import('./digest-noble.ts').then((m) => {
      noble = m.nobleDigests;
      runJob(job, reply);
    }, (err: unknown) => reply({ id: job.id, ok: false, code: 'HASH_FAILED', message: `@noble/hashes: ${String((err as Error)?.message ?? err)}` }, []));
    return;
  }
  let result: ResultMessage;
  const transfer: ArrayBuffer[] = [];
  try {
    const reader = new SegmentReader(job.segments, job.paths, job.lenient);
    try {
      const digests = job.noble || !native ? noble! : native;
      const { sha1, roots } = hashChunkFrom(digests, job.work, (into, from) => reader.read(into, from), scratch);
      transfer.push(sha1.buffer as ArrayBuffer, roots.buffer as ArrayBuffer);
      result = { id: job.id, ok: true, sha1, roots, problems: reader.problems };
    } finally {
      reader.close();
    }
  } catch (err) {
    result = err instanceof ReadFailure
      ? { id: job.id, ok: false, code: err.code, message: err.message, path: err.path }
      : { id: job.id, ok: false, code: 'HASH_FAILED', message: String((err as Error)?.message ?? err) };
  }
  reply(result, transfer);
}
