// A minimal bencode writer for the tracker's own replies. Replies have a fixed, known shape, so the
// hot path writes them straight into one buffer in canonical key order instead of building objects
// for a general encoder. Decoding (the client side) uses @torrentkit/bencode.

const enc = new TextEncoder();

/** Appends bencoded tokens to a growable buffer. */
export class BWriter {
  private buf: Uint8Array;
  private n = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + extra));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  /** Raw ASCII (keys and tokens written verbatim). */
  ascii(s: string): this {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.n++] = s.charCodeAt(i);
    return this;
  }

  /** `i<n>e` */
  int(v: number): this {
    return this.ascii(`i${Math.trunc(v)}e`);
  }

  /** A byte string `<len>:<bytes>`. */
  bytes(b: Uint8Array): this {
    this.ascii(`${b.length}:`);
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }

  /** A UTF-8 text string. */
  text(s: string): this {
    return this.bytes(enc.encode(s));
  }

  /** A dict key (ASCII), e.g. `key("min interval")`. */
  key(k: string): this {
    return this.ascii(`${k.length}:${k}`);
  }

  done(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}
