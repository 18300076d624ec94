// A bounded LRU of open resources (file handles). The bound is strict: handles being opened, in use,
// idle or still closing all count, so a caller that finds every slot busy waits for one instead of
// opening past the bound (a piece spanning thousands of tiny files must not open thousands of fds).
//
// No deadlock as long as callers hold one handle at a time: `use` acquires, runs, releases, and a
// waiter holds nothing while it waits. An entry in use is never closed under its user.

interface Entry<H> {
  handle: Promise<H>;
  users: number;
}

interface Waiter<H> {
  key: number;
  open: (key: number) => Promise<H>;
  grant: (entry: Entry<H>) => void;
  reject: (reason: unknown) => void;
}

/** LRU cache of handles keyed by number, never holding more than `max` open, opening or closing. */
export class HandleCache<H> {
  readonly max: number;
  readonly #open: (key: number) => Promise<H>;
  readonly #close: (handle: H, key: number) => Promise<void>;
  readonly #entries = new Map<number, Entry<H>>();
  // Evicted handles whose close has not finished: they still hold a slot (and an fd).
  readonly #closing = new Map<number, Promise<void>>();
  readonly #waiters: Waiter<H>[] = [];
  // Failures of background closes (e.g. the datasync of an evicted file), reported by drain().
  readonly #errors: unknown[] = [];

  constructor(max: number, open: (key: number) => Promise<H>, close: (handle: H, key: number) => Promise<void>) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    this.max = max;
    this.#open = open;
    this.#close = close;
  }

  /** Number of handles open, opening or closing; never more than `max`. */
  get size(): number {
    return this.#entries.size + this.#closing.size;
  }

  /** Number of callers waiting for a free slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Runs `fn` with the handle for `key`, opening it (with `open`, default the constructor's) when it is
   * not open; waits for a free slot when all `max` are busy. The handle stays open while `fn` runs.
   */
  async use<T>(key: number, fn: (handle: H) => Promise<T>, open: (key: number) => Promise<H> = this.#open): Promise<T> {
    const e = this.#take(key, open, this.#waiters.length === 0) ?? (await this.#wait(key, open));
    try {
      return await fn(await e.handle);
    } finally {
      e.users--;
      // Slots are only ever short for waiters: with none, there is nothing to hand over or evict.
      if (this.#waiters.length > 0) this.#pump();
    }
  }

  /** Calls `fn` on every open handle (e.g. to sync them); none of them is closed meanwhile. */
  async forEach(fn: (handle: H, key: number) => Promise<void>): Promise<void> {
    const pinned = [...this.#entries];
    for (const [, e] of pinned) e.users++;
    try {
      await Promise.all(
        pinned.map(async ([k, e]) => {
          let h: H;
          try {
            h = await e.handle;
          } catch {
            return; // failed to open: nothing to do with it
          }
          await fn(h, k);
        }),
      );
    } finally {
      for (const [, e] of pinned) e.users--;
      this.#pump();
    }
  }

  /**
   * Waits until every evicted handle is closed, then throws the first error any background close
   * raised since the last call (so a failed datasync of an evicted file is not lost).
   */
  async drain(): Promise<void> {
    while (this.#closing.size > 0) await Promise.all(this.#closing.values());
    if (this.#errors.length > 0) {
      const [first] = this.#errors.splice(0);
      throw first;
    }
  }

  /** Closes every handle (errors ignored) and fails every waiter with `reason`. */
  async clear(reason: unknown = new Error('handle cache cleared')): Promise<void> {
    for (const w of this.#waiters.splice(0)) w.reject(reason);
    const all = [...this.#entries];
    this.#entries.clear();
    await Promise.all(all.map(([k, e]) => e.handle.then((h) => this.#close(h, k)).catch(() => {})));
    while (this.#closing.size > 0) await Promise.all(this.#closing.values());
    this.#errors.length = 0;
  }

  // The entry for `key` with a user counted, or undefined when the caller has to wait.
  #take(key: number, open: (key: number) => Promise<H>, mayOpen: boolean): Entry<H> | undefined {
    const e = this.#entries.get(key);
    if (e) {
      // Move to the most recently used end.
      this.#entries.delete(key);
      this.#entries.set(key, e);
      e.users++;
      return e;
    }
    // A second fd on a file still closing would not count against the bound: wait for the close.
    if (!mayOpen || this.#closing.has(key) || this.size >= this.max) return undefined;
    return this.#create(key, open);
  }

  #wait(key: number, open: (key: number) => Promise<H>): Promise<Entry<H>> {
    return new Promise((grant, reject) => {
      this.#waiters.push({ key, open, grant, reject });
      this.#pump();
    });
  }

  #create(key: number, open: (key: number) => Promise<H>): Entry<H> {
    const e: Entry<H> = { handle: (async () => open(key))(), users: 1 };
    this.#entries.set(key, e);
    e.handle.catch(() => {
      if (this.#entries.get(key) === e) {
        this.#entries.delete(key);
        this.#pump();
      }
    });
    return e;
  }

  // Serves waiters in arrival order as far as slots allow, then evicts idle handles for the rest.
  #pump(): void {
    const need = new Set<number>();
    for (let i = 0; i < this.#waiters.length; ) {
      const w = this.#waiters[i]!;
      const e = this.#take(w.key, w.open, true);
      if (e) {
        this.#waiters.splice(i, 1);
        w.grant(e);
      } else {
        need.add(w.key);
        i++;
      }
    }
    this.#evictFor(need.size);
  }

  // Starts closing least recently used idle handles until `wanted` slots are free or on their way.
  #evictFor(wanted: number): void {
    let short = wanted - (this.max - this.size) - this.#closing.size;
    for (const [k, e] of this.#entries) {
      if (short <= 0) break;
      if (e.users > 0) continue;
      this.#entries.delete(k);
      const closed = e.handle
        .then(
          (h) => this.#close(h, k),
          () => {}, // never opened: nothing to close
        )
        .catch((err: unknown) => {
          this.#errors.push(err);
        })
        .finally(() => {
          this.#closing.delete(k);
          this.#pump();
        });
      this.#closing.set(k, closed);
      short--;
    }
  }
}
