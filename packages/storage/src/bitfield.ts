// BEP 3 bitfield: piece 0 is the high bit of the first byte; spare bits at the end are zero.
// Method names match @torrentkit/wire's Bitfield (has / set / count / complete / full), so code that
// moves pieces between the two reads the same.
import { StorageError } from './errors.ts';

// Bit indices are 32-bit (as in BEP 3 messages): the `>>> 3` and `& 7` below rely on it.
const MAX_LENGTH = 0xffffffff;

/** A fixed-size set of piece indices, stored as BEP 3 wire bytes. */
export class Bitfield {
  readonly length: number;
  readonly bytes: Uint8Array;

  /**
   * `bytes`, when given, is used as is (not copied); it must hold at least `ceil(length / 8)` bytes.
   * @throws {StorageError} `STORAGE_INVALID_ARGUMENT` for a length that is not an integer in
   * [0, 2^32), or too few bytes.
   */
  constructor(length: number, bytes?: Uint8Array) {
    if (!Number.isInteger(length) || length < 0 || length > MAX_LENGTH) {
      throw new StorageError('STORAGE_INVALID_ARGUMENT', `bitfield length must be an integer in [0, 2^32), got ${length}`);
    }
    const n = Math.ceil(length / 8);
    if (bytes !== undefined && !(bytes instanceof Uint8Array)) throw new StorageError('STORAGE_INVALID_ARGUMENT', 'bitfield bytes must be a Uint8Array');
    if (bytes && bytes.length < n) throw new StorageError('STORAGE_INVALID_ARGUMENT', `bitfield needs ${n} bytes, got ${bytes.length}`);
    this.length = length;
    this.bytes = bytes ? bytes.subarray(0, n) : new Uint8Array(n);
  }

  /** A bitfield with every piece set. */
  static full(length: number): Bitfield {
    const b = new Bitfield(length);
    b.bytes.fill(0xff);
    if (length % 8) b.bytes[b.bytes.length - 1] = (0xff << (8 - (length % 8))) & 0xff;
    return b;
  }

  /** Whether piece `index` is set; false for anything that is not a piece index (1.5, -1, length). */
  has(index: number): boolean {
    // `>>> 0` keeps only integers in [0, 2^32): one test refuses fractions, negatives and non-numbers.
    return index >>> 0 === index && index < this.length && (this.bytes[index >>> 3]! & (0x80 >>> (index & 7))) !== 0;
  }

  /**
   * Sets (or with `value` false, clears) piece `index`.
   * @throws {StorageError} `STORAGE_PIECE_OUT_OF_RANGE` unless `index` is an integer in [0, length).
   */
  set(index: number, value = true): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new StorageError('STORAGE_PIECE_OUT_OF_RANGE', `piece ${index} outside 0..${this.length - 1}`);
    }
    const i = index >>> 3;
    const m = 0x80 >>> (index & 7);
    this.bytes[i] = value ? this.bytes[i]! | m : this.bytes[i]! & ~m;
  }

  /** Number of pieces set. */
  get count(): number {
    let c = 0;
    for (const b of this.bytes) {
      let x = b;
      while (x) {
        x &= x - 1;
        c++;
      }
    }
    return c;
  }

  /** True when every piece is set. */
  get complete(): boolean {
    return this.count === this.length;
  }
}
