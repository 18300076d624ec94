// A fixed set of hashing workers with a bounded number of jobs in flight per worker. A job is only a
// description (the worker reads the data itself into its own small window), so a queue of four
// costs nothing and keeps a worker busy while the main thread is descheduled on a loaded machine.
// A worker that crashes or exits fails its pending jobs and takes no more; when none is left, jobs
// fail at once with its error. No job is ever left waiting on a worker that cannot answer.
import type { JobMessage, ResultMessage } from './worker-protocol.ts';
import { spawnHashWorker, type HashWorker } from './worker-spawn.ts';

type Done = (result: ResultMessage | Error) => void;

interface Slot {
  worker: HashWorker;
  pending: Map<number, Done>;
  /** Why this worker stopped, once it has. */
  failure?: Error;
}

/** Jobs each worker may hold at once (one hashing, two waiting): enough that a worker never idles while the calling thread hashes a chunk of its own, few enough that the last chunks leave no thread idle for long. */
export const JOBS_PER_WORKER = 3;

/** Workers that read and hash chunks. */
export class WorkerPool {
  readonly size: number;
  #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;

  /** `spawn` starts one worker (tests replace it). */
  constructor(threads: number, spawn: () => HashWorker = spawnHashWorker) {
    this.size = Math.max(1, Math.floor(threads));
    for (let i = 0; i < this.size; i++) {
      const slot: Slot = { worker: spawn(), pending: new Map() };
      slot.worker.listen((msg) => {
        const done = slot.pending.get(msg.id);
        slot.pending.delete(msg.id);
        done?.(msg);
      }, (err) => {
        slot.failure ??= err;
        settleAll(slot.pending, err);
      });
      this.#slots.push(slot);
    }
  }

  /** Settles once every worker's thread runs (or has failed to start); never rejects. */
  get online(): Promise<void> {
    return Promise.all(this.#slots.map((s) => s.worker.online)).then(() => undefined);
  }

  /** Jobs that can be submitted without exceeding the per-worker bound. */
  get capacity(): number {
    return this.size * JOBS_PER_WORKER;
  }

  /** Send a job to the least busy worker that still runs. */
  run(job: Omit<JobMessage, 'id'>): Promise<ResultMessage> {
    if (this.#closed) return Promise.reject(new Error('worker pool closed'));
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (!slot.failure && (!best || slot.pending.size < best.pending.size)) best = slot;
    }
    if (!best) return Promise.reject(this.#slots[0]!.failure!);
    const slot = best;
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      slot.worker.post({ ...job, id } satisfies JobMessage);
    });
  }

  /** Stop every worker; jobs still in flight fail with "worker pool closed". */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Error('worker pool closed');
    await Promise.all(this.#slots.map(async (slot) => {
      slot.failure ??= closed;
      settleAll(slot.pending, closed);
      await slot.worker.terminate();
    }));
  }
}

function settleAll(pending: Map<number, Done>, err: Error): void {
  const waiting = [...pending.values()];
  pending.clear();
  for (const done of waiting) done(err);
}
