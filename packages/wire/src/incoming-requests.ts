// The peer's requests to us: checked on arrival, held until the owner answers (sendPiece) or
// declines (reject), withdrawn by the peer's cancel, and dropped by our choke. Also the BEP 6
// allowed-fast pieces we granted, which the peer may request while choked. The session sends the
// rejects and reports the events; this decides and keeps the bookkeeping.
import type { Bitfield } from './bitfield.ts';
import { blockKey } from './block-key.ts';
import type { BlockRef } from './messages.ts';
import { validBlock, type TorrentShape } from './piece-size.ts';

/**
 * @internal What happens to a request from the peer: queued for the owner, ignored as a repeat of
 * one still pending, or refused. A refusal that breaks a rule carries the violation's message; one
 * that does not (a request sent before our choke reached the peer) has none.
 */
export type Admission =
  | { readonly outcome: 'queued' }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'refused'; readonly violation?: string };

const QUEUED: Admission = { outcome: 'queued' };
const DUPLICATE: Admission = { outcome: 'duplicate' };
const REFUSED: Admission = { outcome: 'refused' };

/** @internal The peer's pending requests, bounded by the `reqq` we announced. */
export class IncomingRequests {
  readonly #pending = new Map<number | string, BlockRef>();
  // Bounded by our own calls (allowFast), never by the peer.
  readonly #allowed = new Set<number>();
  readonly #reqq: number;
  readonly #maxLength: number;

  /** `reqq`: most requests held at once; `maxLength`: largest block the peer may ask for. */
  constructor(reqq: number, maxLength: number) {
    this.#reqq = reqq;
    this.#maxLength = maxLength;
  }

  /** Requests waiting for an answer. */
  get size(): number {
    return this.#pending.size;
  }

  /** BEP 6: lets the peer request `index` while we choke it. */
  allow(index: number): void {
    this.#allowed.add(index);
  }

  /**
   * Checks a request against the torrent's shape, the pieces we have (`pieces`; undefined, before a
   * magnet link's metadata, means none) and our choke (`choking`), and queues it if it passes.
   */
  admit(index: number, begin: number, length: number, shape: TorrentShape | undefined, pieces: Bitfield | undefined, choking: boolean): Admission {
    if (!validBlock(shape, index, begin, length, this.#maxLength)) {
      return { outcome: 'refused', violation: `invalid request (${index}, ${begin}, ${length})` };
    }
    if (!pieces?.has(index)) {
      return { outcome: 'refused', violation: `request for piece ${index}, which we do not have` };
    }
    // Not a violation: requests sent just before our choke arrived are normal.
    if (choking && !this.#allowed.has(index)) return REFUSED;
    // A repeat is checked before the limit: refusing it (a BEP 6 reject) would tell the peer its
    // request is void while the first copy is still pending and may yet be answered.
    const key = blockKey(index, begin);
    if (this.#pending.has(key)) return DUPLICATE;
    if (this.#pending.size >= this.#reqq) return { outcome: 'refused', violation: `more than ${this.#reqq} requests queued` };
    this.#pending.set(key, { index, begin, length });
    return QUEUED;
  }

  /** Removes the pending request at (`index`, `begin`) if its length is `length`; false if none. */
  take(index: number, begin: number, length: number): boolean {
    const key = blockKey(index, begin);
    const r = this.#pending.get(key);
    if (!r || r.length !== length) return false;
    this.#pending.delete(key);
    return true;
  }

  /** Removes the pending request at (`index`, `begin`), whatever its length; false if none. */
  remove(index: number, begin: number): boolean {
    return this.#pending.delete(blockKey(index, begin));
  }

  /**
   * Our choke: drops every pending request and returns them. With BEP 6 (`fast`), requests for
   * allowed-fast pieces stay valid and are kept.
   */
  choke(fast: boolean): BlockRef[] {
    const dropped: BlockRef[] = [];
    for (const [key, r] of this.#pending) {
      if (fast && this.#allowed.has(r.index)) continue;
      this.#pending.delete(key);
      dropped.push(r);
    }
    return dropped;
  }

  /** Forgets every pending request (the session closed). */
  clear(): void {
    this.#pending.clear();
  }
}
