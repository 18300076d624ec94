// BEP 9 ut_metadata: fetching the info dictionary from peers in 16 KiB pieces. A data message is a
// bencoded dict immediately followed by the raw piece bytes, hence decodePrefix.
import { encode } from '@torrentkit/bencode';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeDictPrefix, int } from './bdict.ts';
import { WireError } from './errors.ts';

/** Metadata is exchanged in pieces of this size (the last one may be shorter). */
export const METADATA_PIECE_SIZE = 16384;
/** Default upper bound on an accepted `total_size` / `metadata_size` (libtorrent uses 4 MiB by default too). */
export const MAX_METADATA_SIZE = 4 * 1024 * 1024;

/** A ut_metadata message. */
export type MetadataMessage =
  | { type: 'request'; piece: number }
  | { type: 'data'; piece: number; totalSize: number; data: Uint8Array }
  | { type: 'reject'; piece: number };

const TYPE_CODES = { request: 0, data: 1, reject: 2 } as const;

/** Number of pieces metadata of `totalSize` bytes is split into. */
export function metadataPieceCount(totalSize: number): number {
  return Math.ceil(totalSize / METADATA_PIECE_SIZE);
}

/** Encodes a ut_metadata message payload (what follows the extended message id). */
export function encodeMetadataMessage(msg: MetadataMessage): Uint8Array {
  const head: Record<string, number> = { msg_type: TYPE_CODES[msg.type], piece: msg.piece };
  if (msg.type !== 'data') return encode(head);
  head.total_size = msg.totalSize;
  const dict = encode(head);
  const out = new Uint8Array(dict.length + msg.data.length);
  out.set(dict, 0);
  out.set(msg.data, dict.length);
  return out;
}

/**
 * Decodes a ut_metadata payload. For data messages, `data` is a view of the bytes after the dict and
 * must be exactly the size piece `piece` of `total_size` bytes has. Throws `WIRE_BAD_EXTENSION`
 * (`WIRE_INVALID_ARGUMENT` for a `maxSize` that is not a positive integer).
 */
export function decodeMetadataMessage(payload: Uint8Array, maxSize = MAX_METADATA_SIZE): MetadataMessage {
  checkMaxSize(maxSize);
  const { dict, rest } = decodeDictPrefix(payload, 'ut_metadata');
  const msgType = int(dict, 'msg_type');
  const piece = int(dict, 'piece');
  if (piece === undefined) throw new WireError('WIRE_BAD_EXTENSION', 'ut_metadata: missing piece');
  if (msgType === 0 || msgType === 2) {
    if (piece >= metadataPieceCount(maxSize)) throw new WireError('WIRE_BAD_EXTENSION', `ut_metadata: piece ${piece} out of range`);
    return { type: msgType === 0 ? 'request' : 'reject', piece };
  }
  if (msgType !== 1) throw new WireError('WIRE_BAD_EXTENSION', `ut_metadata: unknown msg_type ${String(dict.msg_type)}`);
  const totalSize = int(dict, 'total_size');
  if (totalSize === undefined || totalSize === 0 || totalSize > maxSize) {
    throw new WireError('WIRE_BAD_EXTENSION', `ut_metadata: total_size missing or above ${maxSize}`);
  }
  const count = metadataPieceCount(totalSize);
  if (piece >= count) throw new WireError('WIRE_BAD_EXTENSION', `ut_metadata: piece ${piece} of ${count}`);
  const expected = piece === count - 1 ? totalSize - piece * METADATA_PIECE_SIZE : METADATA_PIECE_SIZE;
  if (rest.length !== expected) {
    throw new WireError('WIRE_BAD_EXTENSION', `ut_metadata: piece ${piece} has ${rest.length} bytes, expected ${expected}`);
  }
  return { type: 'data', piece, totalSize, data: rest };
}

/**
 * Collects ut_metadata pieces into the info dictionary and checks it against the info hash.
 * Memory is bounded by `totalSize`, which is checked against `maxSize` up front. Once `verify`
 * succeeds the assembler is done: the bytes it returned never change, and `add` refuses everything.
 */
export class MetadataAssembler {
  readonly totalSize: number;
  readonly pieceCount: number;
  readonly #buf: Uint8Array;
  readonly #have: Uint8Array;
  #missing: number;
  // Set by a successful verify: from then on the buffer is the verified info dictionary.
  #verified = false;

  constructor(totalSize: number, maxSize = MAX_METADATA_SIZE) {
    checkMaxSize(maxSize);
    if (!Number.isSafeInteger(totalSize) || totalSize <= 0 || totalSize > maxSize) {
      throw new WireError('WIRE_BAD_EXTENSION', `metadata size ${totalSize} is not in (0, ${maxSize}]`);
    }
    this.totalSize = totalSize;
    this.pieceCount = metadataPieceCount(totalSize);
    this.#buf = new Uint8Array(totalSize);
    this.#have = new Uint8Array(this.pieceCount);
    this.#missing = this.pieceCount;
  }

  /** Pieces not received yet, in order. */
  missing(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.pieceCount; i++) if (!this.#have[i]) out.push(i);
    return out;
  }

  /** Whether every piece has arrived. */
  get complete(): boolean {
    return this.#missing === 0;
  }

  /**
   * Stores a data message's piece (copied). Returns false if it does not fit this metadata, or if
   * the metadata was already verified (a late piece from another peer must not rewrite it).
   */
  add(msg: { piece: number; totalSize: number; data: Uint8Array }): boolean {
    if (this.#verified) return false;
    if (msg.totalSize !== this.totalSize || msg.piece >= this.pieceCount) return false;
    const start = msg.piece * METADATA_PIECE_SIZE;
    if (msg.data.length !== Math.min(METADATA_PIECE_SIZE, this.totalSize - start)) return false;
    this.#buf.set(msg.data, start);
    if (!this.#have[msg.piece]) {
      this.#have[msg.piece] = 1;
      this.#missing--;
    }
    return true;
  }

  /**
   * Once complete, returns the info dictionary bytes if they hash to `infoHash` (20-byte SHA-1 for
   * v1, 32-byte SHA-256 for v2, or the 20-byte truncation of it); otherwise undefined, and the pieces
   * are forgotten so they can be fetched again (from another peer). After a success the assembler
   * keeps those bytes unchanged (`add` is refused) and later calls return them again, checked
   * against `infoHash` once more. The result is the assembler's own buffer, not a copy: a caller
   * that modifies it modifies what later calls return.
   */
  verify(infoHash: Uint8Array): Uint8Array | undefined {
    if (!this.complete) return undefined;
    if (this.#verified) return this.#matches(infoHash) ? this.#buf : undefined;
    if (this.#matches(infoHash)) {
      this.#verified = true;
      return this.#buf;
    }
    this.#have.fill(0);
    this.#missing = this.pieceCount;
    return undefined;
  }

  #matches(infoHash: Uint8Array): boolean {
    return (
      equal(sha1(this.#buf), infoHash) ||
      ((infoHash.length === 32 || infoHash.length === 20) && equal(sha256(this.#buf).subarray(0, infoHash.length), infoHash))
    );
  }
}

// A NaN limit would let any total_size through (and a buffer of that size be allocated).
function checkMaxSize(maxSize: number): void {
  if (!Number.isSafeInteger(maxSize) || maxSize <= 0) throw new WireError('WIRE_INVALID_ARGUMENT', `maxSize must be a positive integer, got ${maxSize}`);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
