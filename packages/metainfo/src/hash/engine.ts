// Drives the chunk plan through workers (or in-thread when threads = 0): pulls chunks lazily, keeps
// at most `capacity` in flight, hands each result to the caller in completion order, and stops
// everything promptly on abort or on the first failure.
import { chunkWork } from './chunk-hash.ts';
import type { Chunk, Layout } from './layout.ts';
import { chunkSizeFor, planChunks } from './layout.ts';
import { MetainfoError } from '../errors.ts';
import { metainfoError, readErrorCode } from './errors.ts';
import type { ReadProblem } from './read-node.ts';
import type { JobMessage, ResultMessage } from './worker-protocol.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Where file `i` of the layout lives on disk. */
export interface PathSource {
  path: string;
}

/** Settings shared by hashing and verifying. */
export interface EngineOptions {
  /**
   * Hashing threads; 0 hashes on the calling thread only. With 2 or more the calling thread is one
   * of them (threads - 1 workers). Default: the number of cores.
   */
  threads?: number;
  signal?: AbortSignal;
  /** Bytes read and hashed per job; rounded to whole pieces. Default 4 MiB. */
  chunkSize?: number;
  /** Force @noble/hashes instead of native SHA (for testing the fallback). */
  implementation?: 'native' | 'noble';
  /**
   * Workers from {@link startHashWorkers} to use instead of starting new ones (`threads` is then
   * theirs); left open for the caller to reuse and close. A client that verifies or builds often
   * keeps one set, so no run pays for worker start-up.
   */
  workers?: HashWorkers;
}

/** One chunk's hashes, as the caller receives them. */
export interface ChunkResult {
  chunk: Chunk;
  sha1: Uint8Array;
  roots: Uint8Array;
  problems: ReadProblem[];
}

/** Number of cores, or 1 where the runtime does not say. */
export async function defaultThreads(): Promise<number> {
  try {
    const os = await import('node:os');
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  } catch {
    return (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
  }
}

/**
 * Hashing workers started ahead of the work, so their start-up (tens of milliseconds each: a V8
 * isolate and a module graph) overlaps whatever the caller does first, such as walking a directory.
 */
export interface HashWorkers {
  /** The thread count and the started pool (none when hashing stays on the calling thread). */
  readonly ready: Promise<{ threads: number; pool?: WorkerPool }>;
  /**
   * Settles once every worker thread runs (at once when hashing stays on the calling thread);
   * never rejects. For callers that must act after Node starts a thread: on Node 20, starting a
   * worker resets V8 flags set with `v8.setFlagsFromString`. Always there on what
   * {@link startHashWorkers} returns.
   */
  readonly online?: Promise<void>;
  /** Stop the workers. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Throws METAINFO_INVALID_INPUT for a thread count or chunk size that would quietly hash nothing or
 * hang: NaN threads start no worker at all, and a NaN chunk size plans no chunk.
 */
function checkEngineOptions(threads: number | undefined, chunkSize?: number): void {
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 0)) {
    throw metainfoError('METAINFO_INVALID_INPUT', `threads must be a whole number of at least 0, not ${String(threads)}`);
  }
  if (chunkSize !== undefined && !(Number.isFinite(chunkSize) && chunkSize > 0)) {
    throw metainfoError('METAINFO_INVALID_INPUT', `chunkSize must be a number of bytes above 0, not ${String(chunkSize)}`);
  }
}

/**
 * Start the workers for `threads` hashing threads (default: one per core).
 * @throws {MetainfoError} `METAINFO_INVALID_INPUT` when `threads` is not a whole number of at least 0.
 */
export function startHashWorkers(threads?: number): HashWorkers {
  checkEngineOptions(threads);
  const ready = (async () => {
    const n = threads ?? (await defaultThreads());
    if (n <= 0) return { threads: n };
    const { WorkerPool } = await import('./worker-pool.ts');
    // With two or more threads this thread is one of the hashers: one worker fewer to start.
    return { threads: n, pool: new WorkerPool(n >= 2 ? n - 1 : n) };
  })();
  let closed: Promise<void> | undefined;
  const online = ready.then((r) => r.pool?.online, () => undefined);
  return { ready, online, close: () => (closed ??= ready.then((r) => r.pool?.close(), () => undefined)) };
}

/**
 * Run every chunk of `layout`; `onChunk` is called once per chunk, in completion order. Uses
 * `opts.workers` when given (the caller closes them), else starts and stops its own.
 */
export async function runChunks(
  layout: Layout, files: readonly PathSource[], opts: EngineOptions & { lenient: boolean },
  onChunk: (r: ChunkResult) => void,
): Promise<void> {
  const { signal } = opts;
  signal?.throwIfAborted();
  checkEngineOptions(opts.workers ? undefined : opts.threads, opts.chunkSize);
  const own = opts.workers ? undefined : startHashWorkers(opts.threads);
  try {
    await runWith(layout, files, opts, onChunk, (opts.workers ?? own)!);
  } finally {
    await own?.close();
  }
}

async function runWith(
  layout: Layout, files: readonly PathSource[], opts: EngineOptions & { lenient: boolean },
  onChunk: (r: ChunkResult) => void, workers: HashWorkers,
): Promise<void> {
  const { signal } = opts;
  const v1PieceLength = layout.mode === 'v2' ? 0 : layout.pieceLength;
  const chunks = planChunks(layout, chunkSizeFor(layout.pieceLength, opts.chunkSize));
  const toJob = (chunk: Chunk): Omit<JobMessage, 'id'> => ({
    segments: chunk.segments,
    paths: chunk.segments.map((s) => files[s.file]!.path),
    work: chunkWork(chunk, v1PieceLength),
    lenient: opts.lenient,
    noble: opts.implementation === 'noble',
  });
  const accept = (chunk: Chunk, msg: ResultMessage): void => {
    if (!msg.ok) {
      const code = readErrorCode(msg.code);
      throw metainfoError(code, msg.message);
    }
    onChunk({ chunk, sha1: msg.sha1, roots: msg.roots, problems: msg.problems });
  };
  const { threads, pool } = await workers.ready;
  if (!pool) return runInThread(chunks, toJob, accept, signal, opts.implementation === 'noble');

  // This thread hashes too, but takes a chunk only when every worker already has a job queued,
  // so the workers never wait on it.
  const hashHere = threads >= 2 ? await localHasher(opts.implementation === 'noble') : undefined;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  // Woken when a job settles or the signal aborts. Not Promise.race over a never-settling abort
  // promise: each race leaves a reaction on it for good, which grows with the number of chunks.
  let wake: (() => void) | undefined;
  const wakeUp = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  signal?.addEventListener('abort', wakeUp, { once: true });
  try {
    let next = chunks.next();
    while (!next.done || inFlight.size > 0) {
      while (!next.done && inFlight.size < pool.capacity && failure === undefined) {
        const chunk = next.value;
        const p: Promise<void> = pool.run(toJob(chunk))
          .then((msg) => accept(chunk, msg))
          .catch((err: unknown) => {
            // A job's own failures are MetainfoErrors already; a worker that died is not.
            failure ??= err instanceof MetainfoError ? err : metainfoError('METAINFO_HASH_FAILED', String((err as Error)?.message ?? err), err);
          })
          .finally(() => {
            inFlight.delete(p);
            wakeUp();
          });
        inFlight.add(p);
        next = chunks.next();
      }
      if (hashHere && !next.done && failure === undefined) {
        const chunk = next.value;
        next = chunks.next();
        accept(chunk, hashHere(toJob(chunk)));
        await yieldToEventLoop(); // let worker results and abort signals in
      } else {
        if (inFlight.size === 0) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      signal?.throwIfAborted();
      if (failure !== undefined) throw failure;
    }
    if (failure !== undefined) throw failure;
  } finally {
    signal?.removeEventListener('abort', wakeUp);
    // Stopping early: own workers are terminated by runChunks; lent ones stay the caller's, so let
    // the few jobs still queued on them (three per worker at most) finish before returning.
    if (opts.workers) await Promise.allSettled(inFlight);
  }
}

type LocalHasher = (job: Omit<JobMessage, 'id'>) => ResultMessage;

/** Reads and hashes a job on this thread, exactly as a worker would. */
async function localHasher(noble: boolean): Promise<LocalHasher> {
  const [{ SegmentReader, ReadFailure }, { hashChunkFrom, hashScratch }, digest] = await Promise.all([
    import('./read-node.ts'), import('./chunk-hash.ts'), import('./digest.ts'),
  ]);
  const nobleDigests = noble ? await digest.loadNobleDigests() : undefined;
  const scratch = hashScratch();
  return (job) => {
    const reader = new SegmentReader(job.segments, job.paths, job.lenient);
    try {
      const digests = job.noble && nobleDigests ? nobleDigests : digest.defaultDigests();
      const { sha1, roots } = hashChunkFrom(digests, job.work, (into, from) => reader.read(into, from), scratch);
      return { id: 0, ok: true, sha1, roots, problems: reader.problems };
    } catch (err) {
      if (!(err instanceof ReadFailure)) throw err;
      return { id: 0, ok: false, code: err.code, message: err.message, path: err.path };
    } finally {
      reader.close();
    }
  };
}

function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => void };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

async function runInThread(
  chunks: Generator<Chunk>, toJob: (c: Chunk) => Omit<JobMessage, 'id'>,
  accept: (c: Chunk, m: ResultMessage) => void, signal: AbortSignal | undefined, noble: boolean,
): Promise<void> {
  const hash = await localHasher(noble);
  for (const chunk of chunks) {
    // Yield between chunks so abort signals and progress listeners get a turn (setImmediate:
    // a zero timeout would idle about a millisecond per chunk).
    await yieldToEventLoop();
    signal?.throwIfAborted();
    accept(chunk, hash(toJob(chunk)));
  }
}
