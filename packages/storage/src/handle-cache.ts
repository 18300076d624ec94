// A bounded LRU of open resources (file handles). An entry in use is never closed under its user: it is
// evicted only when idle, so the cache can briefly exceed its bound when every entry is busy.

interface Entry<H> {
  handle: Promise<H>;
  users: number;
}

/** LRU cache of handles keyed by number, closing the least recently used idle one past `max`. */
export class HandleCache<H> {
  readonly max: number;
  readonly #open: (key: number) => Promise<H>;
  readonly #close: (handle: H, key: number) => Promise<void>;
  readonly #entries = new Map<number, Entry<H>>();

  constructor(max: number, open: (key: number) => Promise<H>, close: (handle: H, key: number) => Promise<void>) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    this.max = max;
    this.#open = open;
    this.#close = close;
  }

  /** Number of handles open (or opening). */
  get size(): number {
    return this.#entries.size;
  }

  /** Runs `fn` with the handle for `key`, opening it if needed; the handle stays open while `fn` runs. */
  async use<T>(key: number, fn: (handle: H) => Promise<T>): Promise<T> {
    let e = this.#entries.get(key);
    if (e) {
      // Move to the most recently used end.
      this.#entries.delete(key);
      this.#entries.set(key, e);
      e.users++;
    } else {
      const handle = this.#open(key);
      // Counted as in use before eviction runs, so a new entry is never evicted by its own arrival.
      e = { handle, users: 1 };
      this.#entries.set(key, e);
      handle.catch(() => {
        if (this.#entries.get(key) === e) this.#entries.delete(key);
      });
      this.#evict();
    }
    try {
      return await fn(await e.handle);
    } finally {
      e.users--;
      this.#evict();
    }
  }

  /** Calls `fn` on every open handle (e.g. to sync them); none of them is closed meanwhile. */
  async forEach(fn: (handle: H, key: number) => Promise<void>): Promise<void> {
    await Promise.all(
      [...this.#entries].map(async ([k, e]) => {
        e.users++;
        try {
          await fn(await e.handle, k);
        } finally {
          e.users--;
        }
      }),
    );
    this.#evict();
  }

  /** Closes every handle. */
  async clear(): Promise<void> {
    const all = [...this.#entries];
    this.#entries.clear();
    await Promise.all([...all].map(async ([k, e]) => this.#close(await e.handle, k).catch(() => {})));
  }

  #evict(): void {
    if (this.#entries.size <= this.max) return;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.max) break;
      if (e.users > 0) continue;
      this.#entries.delete(k);
      e.handle.then((h) => this.#close(h, k)).catch(() => {});
    }
  }
}
