// BEP 3 bitfield: piece 0 is the high bit of the first byte; spare bits at the end are zero.
// Method names match @torrentkit/wire's Bitfield (has / set / count / complete / full), so code that
// moves pieces between the two reads the same.

/** A fixed-size set of piece indices, stored as BEP 3 wire bytes. */
export class Bitfield {
  readonly length: number;
  readonly bytes: Uint8Array;

  /** `bytes`, when given, is used as is (not copied); it must hold at least `ceil(length / 8)` bytes. */
  constructor(length: number, bytes?: Uint8Array) {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid bitfield length ${length}`);
    const n = Math.ceil(length / 8);
    if (bytes && bytes.length < n) throw new RangeError(`bitfield needs ${n} bytes, got ${bytes.length}`);
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

  has(index: number): boolean {
    if (index < 0 || index >= this.length) return false;
    return (this.bytes[index >>> 3]! & (0x80 >>> (index & 7))) !== 0;
  }

  /** Sets (or with `value` false, clears) piece `index`. Out-of-range indices throw. */
  set(index: number, value = true): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`bit ${index} outside 0..${this.length - 1}`);
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
