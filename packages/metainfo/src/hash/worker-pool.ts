// A fixed set of hashing workers with a bounded number of jobs in flight per worker. A job is only a
// description (the worker reads the data itself into its own small window), so a queue of four
// costs nothing and keeps a worker busy while the main thread is descheduled on a loaded machine.
import type { JobMessage, ResultMessage } from './worker-protocol.ts';
import { spawnHashWorker, type HashWorker } from './worker-spawn-node.ts';

type Done = (result: ResultMessage | Error) => void;

interface Slot {
  worker: HashWorker;
  pending: Map<number, Done>;
}

/** Jobs each worker may hold at once (one hashing, two waiting): enough that a worker never idles while the calling thread hashes a chunk of its own, few enough that the last chunks leave no thread idle for long. */
export const JOBS_PER_WORKER = 3;

/** Workers that read and hash chunks. */
export class WorkerPool {
  readonly size: number;
  #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;

  constructor(threads: number) {
    this.size = Math.max(1, Math.floor(threads));
    for (let i = 0; i < this.size; i++) {
      const slot: Slot = { worker: spawnHashWorker(), pending: new Map() };
      slot.worker.listen((msg) => {
        const done = slot.pending.get(msg.id);
        slot.pending.delete(msg.id);
        done?.(msg);
      }, (err) => {
        for (const done of slot.pending.values()) done(err);
        slot.pending.clear();
      });
      this.#slots.push(slot);
    }
  }

  /** Jobs that can be submitted without exceeding the per-worker bound. */
  get capacity(): number {
    return this.size * JOBS_PER_WORKER;
  }

  /** Send a job to the least busy worker. */
  run(job: Omit<JobMessage, 'id'>): Promise<ResultMessage> {
    if (this.#closed) return Promise.reject(new Error('worker pool closed'));
    let best = this.#slots[0]!;
    for (const slot of this.#slots) if (slot.pending.size < best.pending.size) best = slot;
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      best.pending.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      best.worker.post({ ...job, id } satisfies JobMessage);
    });
  }

  /** Stop every worker; jobs in flight are abandoned. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.map(async (slot) => {
      slot.pending.clear();
      await slot.worker.terminate();
    }));
  }
}
