// A fixed-size set of piece indices stored as BEP 3 bitfield bytes (high bit of byte 0 = piece 0).
import { WireError } from './errors.ts';

/** A set of pieces, backed by wire-format bitfield bytes. */
export class Bitfield {
  readonly length: number;
  readonly bytes: Uint8Array;
  #count = 0;

  /** An empty set of `length` pieces, or one over existing wire bytes (validated, then copied). */
  constructor(length: number, bytes?: Uint8Array) {
    if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
      throw new WireError('WIRE_INVALID_ARGUMENT', `bitfield length must be an integer in [0, 2^32), got ${length}`);
    }
    this.length = length;
    const size = Math.ceil(length / 8);
    if (bytes === undefined) {
      this.bytes = new Uint8Array(size);
      return;
    }
    if (bytes.length !== size) {
      throw new WireError('WIRE_BAD_BITFIELD', `bitfield of ${bytes.length} bytes, expected ${size} for ${length} pieces`);
    }
    if (length % 8 !== 0 && (bytes[size - 1]! & (0xff >>> length % 8)) !== 0) {
      throw new WireError('WIRE_BAD_BITFIELD', 'bitfield has spare bits set');
    }
    this.bytes = bytes.slice();
    for (const b of this.bytes) this.#count += popcount(b);
  }

  /** A bitfield with every piece set. */
  static full(length: number): Bitfield {
    const bf = new Bitfield(length);
    bf.bytes.fill(0xff);
    if (length % 8) bf.bytes[bf.bytes.length - 1] = (0xff << (8 - (length % 8))) & 0xff;
    bf.#count = length;
    return bf;
  }

  /** Number of pieces set. */
  get count(): number {
    return this.#count;
  }

  /** Whether every piece is set. */
  get complete(): boolean {
    return this.#count === this.length;
  }

  /** Whether piece `index` is set; false for anything that is not a piece index (1.5, -1, length). */
  has(index: number): boolean {
    // `>>> 0` keeps only integers in [0, 2^32): one test refuses fractions, negatives and non-numbers.
    return index >>> 0 === index && index < this.length && (this.bytes[index >>> 3]! & (0x80 >>> (index & 7))) !== 0;
  }

  /** Sets piece `index`; returns false if it was already set. Out-of-range indices throw. */
  set(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new WireError('WIRE_BAD_INDEX', `piece index ${index} out of range (${this.length} pieces)`);
    }
    const mask = 0x80 >>> (index & 7);
    const i = index >>> 3;
    if (this.bytes[i]! & mask) return false;
    this.bytes[i] = this.bytes[i]! | mask;
    this.#count++;
    return true;
  }

  /** Clears piece `index`; returns false if it was not set (or is not a piece index). */
  clear(index: number): boolean {
    if (!this.has(index)) return false;
    this.bytes[index >>> 3] = this.bytes[index >>> 3]! & ~(0x80 >>> (index & 7));
    this.#count--;
    return true;
  }
}

function popcount(b: number): number {
  b = b - ((b >>> 1) & 0x55);
  b = (b & 0x33) + ((b >>> 2) & 0x33);
  return (b + (b >>> 4)) & 0x0f;
}
