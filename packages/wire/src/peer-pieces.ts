// Piece sets on the wire: the one we announce when a connection opens, the peer's announcements
// (bitfield, or BEP 6 have all / have none), and what a peer announces before we can size its set
// (a magnet link before the metadata arrives).
import { Bitfield } from './bitfield.ts';
import { encodeBitfield, encodeHaveAll, encodeHaveNone } from './encode.ts';

/** @internal The kinds of piece-set announcement. */
export type PieceSetKind = 'bitfield' | 'have-all' | 'have-none';

// Haves kept before the torrent's shape is known: a peer cannot make us hold more than this.
const MAX_EARLY_HAVES = 65536;

/**
 * @internal Our opening announcement: with BEP 6, have all / have none when they say it in 5 bytes,
 * else the bitfield. Without BEP 6 an empty set may be left out (BEP 3), so nothing is sent for it.
 */
export function openingAnnouncement(pieces: Bitfield | undefined, fast: boolean): Uint8Array | undefined {
  if (fast) {
    if (pieces && pieces.length > 0 && pieces.complete) return encodeHaveAll();
    if (!pieces || pieces.count === 0) return encodeHaveNone();
    return encodeBitfield(pieces.bytes);
  }
  return pieces && pieces.count > 0 ? encodeBitfield(pieces.bytes) : undefined;
}

/**
 * @internal The set a peer announced over `pieceCount` pieces. `raw` (for a bitfield) must already be
 * checked for size and spare bits, as the parser does; a bad one throws `WIRE_BAD_BITFIELD`.
 */
export function announcedSet(kind: PieceSetKind, raw: Uint8Array | undefined, pieceCount: number): Bitfield {
  if (kind === 'have-all') return Bitfield.full(pieceCount);
  if (kind === 'have-none') return new Bitfield(pieceCount);
  return new Bitfield(pieceCount, raw);
}

/** @internal Whether two sets hold the same pieces (an identical repeat announcement changes nothing). */
export function sameBits(a: Bitfield, b: Bitfield): boolean {
  const x = a.bytes;
  const y = b.bytes;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * @internal A peer's announcements received before the piece count is known. The latest one wins
 * (a repeat replaces the earlier one and the haves since); haves after it are added on top.
 */
export class EarlyPieces {
  #hasAll = false;
  #raw: Uint8Array | undefined;
  #haves = new Set<number>();

  /** Records an announcement, replacing anything earlier. `raw` is copied: it is a view of received bytes. */
  announce(kind: PieceSetKind, raw: Uint8Array | undefined): void {
    this.#hasAll = kind === 'have-all';
    this.#raw = raw ? raw.slice() : undefined;
    this.#haves = new Set();
  }

  /**
   * Records a have. Returns false if the peer had already announced the piece, so a repeat reports
   * nothing, as it does once the set is sized. Bounded: beyond the limit haves are not kept.
   */
  have(index: number): boolean {
    if (this.#hasAll || this.#haves.has(index)) return false;
    const raw = this.#raw;
    if (raw && index < raw.length * 8 && (raw[index >>> 3]! & (0x80 >>> (index & 7))) !== 0) return false;
    if (this.#haves.size < MAX_EARLY_HAVES) this.#haves.add(index);
    return true;
  }

  /**
   * The peer's set over `pieceCount` pieces, from what arrived. Throws a `WireError` if that does not
   * fit: a bitfield of the wrong size or with spare bits, or a have out of range.
   */
  resolve(pieceCount: number): Bitfield {
    const set = this.#hasAll ? Bitfield.full(pieceCount) : new Bitfield(pieceCount, this.#raw);
    for (const i of this.#haves) set.set(i);
    this.#raw = undefined;
    this.#haves = new Set();
    return set;
  }
}
