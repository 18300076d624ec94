// Our requests to one peer: queued until a pipeline slot is free (and the peer lets us ask), then
// outstanding until a block, a reject, a choke, a timeout or a cancel settles them. Requests we gave
// up on are remembered for a while, with their length, because the peer may still answer them: a
// late block of the length we asked for is welcome, and a late reject for it is no violation. The
// session decides *when* to send and what to report; this keeps the bookkeeping and writes the
// request messages.
import { blockKey } from './block-key.ts';
import { REQUEST_LENGTH, writeBlockMessage } from './encode.ts';
import { MessageId, type BlockRef } from './messages.ts';

/** @internal A request on the wire, and when it was sent (for its timeout). */
export interface SentRequest extends BlockRef {
  sentAt: number;
}

/** @internal A request we gave up on (cancelled or timed out) that a block or reject still answered. */
export interface LateAnswer {
  readonly late: true;
  /** The length we asked for: a late block of any other length is not the answer. */
  readonly length: number;
}

// How many given-up requests are remembered. A peer answering later than this many newer give-ups
// is answering so late that treating its block as unrequested does no harm.
const LATE_LIMIT = 1024;
// Consumed queue entries are dropped once there are this many and they are most of the array, so
// the queue costs amortised O(1) per request without shifting on every send.
const COMPACT_AFTER = 1024;

/** @internal The queue, the in-flight set and the recently given-up set of one session's requests. */
export class RequestPipeline {
  #queue: BlockRef[] = [];
  #head = 0;
  // The queued blocks' keys: a block is queued or outstanding at most once, so the owner gets
  // exactly one answer or failure per accepted request.
  readonly #queuedKeys = new Set<number | string>();
  // Insertion order is send order, which lets timeouts stop at the first request still in time.
  readonly #outstanding = new Map<number | string, SentRequest>();
  // Given-up requests' lengths, oldest first.
  readonly #late = new Map<number | string, number>();

  /** Requests waiting to be sent. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Requests sent and not settled. */
  get outstanding(): number {
    return this.#outstanding.size;
  }

  /** Queues a request; false if the same block is already queued or outstanding. The caller validated it. */
  enqueue(index: number, begin: number, length: number): boolean {
    const key = blockKey(index, begin);
    if (this.#outstanding.has(key) || this.#queuedKeys.has(key)) return false;
    this.#queuedKeys.add(key);
    this.#queue.push({ index, begin, length });
    return true;
  }

  /**
   * Withdraws a request. An outstanding one is returned (the caller sends a cancel) and remembered as
   * given up; a queued one, matched by its full address, is dropped silently.
   */
  withdraw(index: number, begin: number, length: number): SentRequest | undefined {
    const key = blockKey(index, begin);
    const r = this.#outstanding.get(key);
    if (r) {
      this.#outstanding.delete(key);
      this.#remember(key, r.length);
      return r;
    }
    if (!this.#queuedKeys.has(key)) return undefined; // most cancels are for blocks already answered
    for (let i = this.#head; i < this.#queue.length; i++) {
      const q = this.#queue[i]!;
      if (q.index === index && q.begin === begin && q.length === length) {
        this.#queue.splice(i, 1);
        this.#queuedKeys.delete(key);
        return undefined;
      }
    }
    return undefined;
  }

  /**
   * Moves queued requests into flight, up to `limit` outstanding, and returns their request messages
   * as one buffer (one write however many), or undefined if none was sent. With `only`, just requests
   * for those pieces go (BEP 6 allowed fast while choked); the rest keep their order in the queue.
   */
  send(limit: number, now: number, only?: ReadonlySet<number>): Uint8Array | undefined {
    const free = limit - this.#outstanding.size;
    if (free <= 0 || this.#head >= this.#queue.length) return undefined;
    if (only === undefined) {
      // The hot path (unchoked): take from the head in place, no intermediate array.
      const count = Math.min(free, this.#queue.length - this.#head);
      const buf = new Uint8Array(count * REQUEST_LENGTH);
      let n = 0;
      for (let i = 0; i < count; i++) if (this.#start(this.#queue[this.#head++]!, buf, n, now)) n++;
      if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      return finish(buf, n);
    }
    if (only.size === 0) return undefined;
    // Runs after every received chunk while choked, so finding nothing must not allocate: the queue
    // is only rebuilt (without the picked requests, the rest in order) when something is sent.
    const picked: BlockRef[] = [];
    for (let i = this.#head; i < this.#queue.length && picked.length < free; i++) {
      const r = this.#queue[i]!;
      if (only.has(r.index)) picked.push(r);
    }
    if (picked.length === 0) return undefined;
    const taken = new Set(picked);
    this.#queue = this.#queue.slice(this.#head).filter((r) => !taken.has(r));
    this.#head = 0;
    const buf = new Uint8Array(picked.length * REQUEST_LENGTH);
    let n = 0;
    for (const r of picked) if (this.#start(r, buf, n, now)) n++;
    return finish(buf, n);
  }

  /** The outstanding request at (`index`, `begin`), left in place. */
  find(index: number, begin: number): SentRequest | undefined {
    return this.#outstanding.get(blockKey(index, begin));
  }

  /**
   * Settles the request a block of `length` bytes at (`index`, `begin`) answers: the outstanding
   * request (removed), or a {@link LateAnswer} for one we gave up on (forgotten now), or undefined if
   * none was made. A request of that very length is preferred (the same block may have been asked
   * for again with another length after a cancel); failing that, whichever there is, and the
   * caller finds the length wrong.
   */
  answer(index: number, begin: number, length: number): SentRequest | LateAnswer | undefined {
    const key = blockKey(index, begin);
    const r = this.#outstanding.get(key);
    // The common case first: one lookup per block on the download path.
    const late = r && r.length === length ? undefined : this.#late.get(key);
    if (r && late !== length) {
      this.#outstanding.delete(key);
      return r;
    }
    if (late === undefined) return undefined;
    this.#late.delete(key);
    return { late: true, length: late };
  }

  /**
   * Settles a BEP 6 reject: the outstanding request it refers to (removed), 'late' for one we gave
   * up on (forgotten now), or undefined if no request of that length was made.
   */
  reject(index: number, begin: number, length: number): SentRequest | 'late' | undefined {
    const key = blockKey(index, begin);
    const r = this.#outstanding.get(key);
    if (r && r.length === length) {
      this.#outstanding.delete(key);
      return r;
    }
    if (this.#late.get(key) !== length) return undefined;
    this.#late.delete(key);
    return 'late';
  }

  /**
   * Removes and returns the oldest outstanding request if it was sent at least `timeout` ago, and
   * remembers it as given up. One at a time, so the caller can report each before looking further.
   */
  expire(now: number, timeout: number): SentRequest | undefined {
    for (const [key, r] of this.#outstanding) {
      if (now - r.sentAt < timeout) return undefined;
      this.#outstanding.delete(key);
      this.#remember(key, r.length);
      return r;
    }
    return undefined;
  }

  /**
   * Removes and returns the oldest outstanding request, not remembered as late (BEP 3: a choke
   * discards them all, so no answer can come). One at a time, like {@link expire}.
   */
  dropOldest(): SentRequest | undefined {
    for (const [key, r] of this.#outstanding) {
      this.#outstanding.delete(key);
      return r;
    }
    return undefined;
  }

  /** Removes and returns everything unsettled: outstanding requests first, then queued ones. */
  drain(): BlockRef[] {
    const pending: BlockRef[] = [...this.#outstanding.values(), ...this.#queue.slice(this.#head)];
    this.#outstanding.clear();
    this.#queue = [];
    this.#head = 0;
    this.#queuedKeys.clear();
    return pending;
  }

  /** Restarts every request's timeout at `now` (the clock became known after they were sent). */
  rebase(now: number): void {
    for (const r of this.#outstanding.values()) r.sentAt = now;
  }

  /** Puts `r` in flight and writes its request as message `n` of `buf`; false if it already was. */
  #start(r: BlockRef, buf: Uint8Array, n: number, now: number): boolean {
    const key = blockKey(r.index, r.begin);
    this.#queuedKeys.delete(key);
    if (this.#outstanding.has(key)) return false; // cannot happen since enqueue refuses duplicates
    this.#outstanding.set(key, { index: r.index, begin: r.begin, length: r.length, sentAt: now });
    writeBlockMessage(buf, n * REQUEST_LENGTH, MessageId.request, r.index, r.begin, r.length);
    return true;
  }

  #remember(key: number | string, length: number): void {
    this.#late.delete(key); // re-inserted as the newest
    this.#late.set(key, length);
    if (this.#late.size > LATE_LIMIT) this.#late.delete(this.#late.keys().next().value!);
  }
}

/** The first `n` request messages of `buf`, or undefined for none. */
function finish(buf: Uint8Array, n: number): Uint8Array | undefined {
  if (n === 0) return undefined;
  return n * REQUEST_LENGTH === buf.length ? buf : buf.subarray(0, n * REQUEST_LENGTH);
}
