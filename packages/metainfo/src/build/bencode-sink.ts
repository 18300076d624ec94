// Bencoded output written token by token. The builder streams a torrent of many files through it
// one entry at a time, so the info dict never exists as an object tree (tens of thousands of
// objects that would all survive until encoded, which makes V8 grow its young generation and the
// process's peak memory with it). A sink without a buffer only counts: the builder runs its writer
// once to count and once into a buffer of exactly that size, so nothing is grown by copying.
import { encodeInto, encodingLength } from '@torrentkit/bencode';

const D = 0x64, L = 0x6c, E = 0x65, I = 0x69, COLON = 0x3a, MINUS = 0x2d, ZERO = 0x30;

/** Something that writes bencoded output into a sink (run twice: to count, then to write). */
export type SinkWriter = (sink: BencodeSink) => void;

export class BencodeSink {
  readonly #out: Uint8Array | undefined;
  #pos = 0;

  /** A sink that writes into `out`, or only counts bytes when `out` is omitted. */
  constructor(out?: Uint8Array) {
    this.#out = out;
  }

  /** Run `write` to count its bytes, then again into a buffer of exactly that size. */
  static encode(write: SinkWriter): Uint8Array {
    const counter = new BencodeSink();
    write(counter);
    const out = new Uint8Array(counter.length);
    const sink = new BencodeSink(out);
    write(sink);
    if (sink.length !== out.length) throw new Error(`bencode sink: wrote ${sink.length} bytes, counted ${out.length}`);
    return out;
  }

  /** Bytes written (or counted) so far. */
  get length(): number {
    return this.#pos;
  }

  /** Append the bencoding of `value` (anything `encode` takes). */
  value(value: unknown): void {
    if (this.#out) this.#pos += encodeInto(value, this.#out, this.#pos);
    else this.#pos += encodingLength(value);
  }

  /** Append a byte string: the UTF-8 of `text` (as `encode` writes it) with its length prefix. */
  string(text: string): void {
    // Names are nearly always ASCII: written directly, without the encoder's per-call objects.
    const n = text.length;
    for (let i = 0; i < n; i++) {
      if (text.charCodeAt(i) >= 0x80) return this.value(text);
    }
    this.#digits(n);
    this.#byte(COLON);
    const out = this.#out;
    if (out) for (let i = 0; i < n; i++) out[this.#pos + i] = text.charCodeAt(i);
    this.#pos += n;
  }

  /** Append a byte string holding the decimal digits of `n` (a non-negative safe integer). */
  decimalString(n: number): void {
    this.#digits(digitCount(n));
    this.#byte(COLON);
    this.#digits(n);
  }

  /** Append an integer (`i<n>e`). */
  integer(n: number): void {
    if (!Number.isSafeInteger(n)) return this.value(n); // the encoder's error or bigint handling
    this.#byte(I);
    if (n < 0) this.#byte(MINUS);
    this.#digits(Math.abs(n));
    this.#byte(E);
  }

  /** Start a dict (`'d'`) or a list (`'l'`); {@link end} closes it. */
  start(kind: 'd' | 'l'): void {
    this.#byte(kind === 'd' ? D : L);
  }

  /** Close the innermost dict or list. */
  end(): void {
    this.#byte(E);
  }

  #byte(b: number): void {
    if (this.#out) this.#out[this.#pos] = b;
    this.#pos++;
  }

  #digits(n: number): void {
    const width = digitCount(n);
    const out = this.#out;
    if (out) {
      for (let i = this.#pos + width - 1; i >= this.#pos; i--) {
        out[i] = ZERO + (n % 10);
        n = Math.floor(n / 10);
      }
    }
    this.#pos += width;
  }
}

/** Decimal digits of a non-negative safe integer. */
function digitCount(n: number): number {
  let width = 1;
  for (let limit = 10; n >= limit && width < 16; limit *= 10) width++;
  return width;
}
