// Bencoding decoder (BEP 3): strict by default, bounded, and total: whatever the input, it returns a
// value or throws a BencodeError, never anything else.
import { BencodeError } from './errors.ts';
import { decodeKey, FIRST_KEY, internKey, isKeyAt } from './keys.ts';
import type { KeyEntry } from './keys.ts';
import { allocate } from './pool.ts';
import { listOf, pairDict, setEntry, singleDict } from './containers.ts';
import { recordSpan } from './spans.ts';
import { limitOf, toBytes } from './decode-input.ts';
import type { BDict, BList, BValue, DecodeOptions } from './types.ts';

const D = 0x64, E = 0x65, I = 0x69, L = 0x6c, COLON = 0x3a, MINUS = 0x2d, ZERO = 0x30, NINE = 0x39;
const DEFAULT_MAX_DEPTH = 256;
// maxDepth is capped here whatever the options say.
const MAX_DEPTH_LIMIT = 100_000;
// Digits of a string length: more than this cannot describe bytes that fit in memory.
const MAX_LENGTH_DIGITS = 15;

const EMPTY = new Uint8Array(0);

// One decoder object is reused across calls (decoding never re-enters: it calls no user code), which
// keeps small decodes, like tracker replies, free of per-call setup allocations.
class Decoder {
  buf: Uint8Array = EMPTY;
  // Views are built with the Uint8Array constructor: cheaper than subarray (no species lookup).
  ab: ArrayBufferLike = EMPTY.buffer;
  base = 0;
  pos = 0;
  strict = true;
  maxDepth = DEFAULT_MAX_DEPTH;
  copy = false;
  // Containers nested at most this deep get their span recorded; 0 records none.
  spanDepth = 0;
  maxIntegerDigits = 1024;
  // Every item takes at least two bytes, so the input length is no limit at all, and unlike Infinity
  // it keeps the counter a small integer.
  itemsLeft = 0;
  readonly stack: BValue[] = [];
  // Items of the lists being decoded are stack[0, top). Entries above top are stale until release():
  // shrinking with `stack.length = n` would cost a slow setter call per list.
  top = 0;

  reset(buf: Uint8Array, options: DecodeOptions | undefined): this {
    this.buf = buf;
    this.ab = buf.buffer;
    this.base = buf.byteOffset;
    this.pos = 0;
    // null, like undefined, means the defaults.
    if (options == null) {
      this.strict = true;
      this.maxDepth = DEFAULT_MAX_DEPTH;
      this.copy = false;
      this.spanDepth = 0;
      this.maxIntegerDigits = 1024;
      this.itemsLeft = buf.length;
    } else {
      this.strict = options.strict ?? true;
      this.maxDepth = Math.min(limitOf(options.maxDepth, 'maxDepth', DEFAULT_MAX_DEPTH), MAX_DEPTH_LIMIT);
      this.copy = options.copy ?? false;
      this.spanDepth = spanDepthOf(options.spans);
      // No integer has more digits than the input has bytes: a small integer instead of Infinity.
      this.maxIntegerDigits = Math.min(limitOf(options.maxIntegerDigits, 'maxIntegerDigits', 1024), buf.length);
      this.itemsLeft = Math.min(limitOf(options.maxItems, 'maxItems', buf.length), buf.length);
    }
    return this;
  }

  /** Drops the reference to the input so the shared decoder never keeps it alive. */
  release(): void {
    this.buf = EMPTY;
    this.ab = EMPTY.buffer;
    // Drops the stale items above top (and those of unfinished lists after an error); the length
    // setter is a slow call, so only when there is something to drop.
    this.top = 0;
    if (this.stack.length !== 0) this.stack.length = 0;
  }

  fail(code: ConstructorParameters<typeof BencodeError>[0], message: string, offset = this.pos): never {
    throw new BencodeError(code, message, offset);
  }

  value(depth: number): BValue {
    const buf = this.buf;
    if (this.pos >= buf.length) this.fail('BENCODE_UNEXPECTED_END', 'unexpected end of input');
    const c = buf[this.pos]!;
    if (c >= ZERO && c <= NINE) return this.bytes();
    if (c === I) return this.integer();
    if (c === D) return this.dict(depth + 1);
    if (c === L) return this.list(depth + 1);
    return this.unexpectedByte(c);
  }

  unexpectedByte(c: number): never {
    return this.fail('BENCODE_UNEXPECTED_BYTE', `unexpected byte 0x${c.toString(16).padStart(2, '0')}`);
  }

  /**
   * Reads `<len>:` and returns the start of the string's bytes; `this.pos` moves past them. Only
   * well-formed lengths are handled here, so that the engine inlines it into the dict loop; anything
   * else goes to {@link stringBoundsChecked}.
   */
  stringBounds(): number {
    const buf = this.buf;
    const first = this.pos;
    const end = buf.length;
    // One or two digits, nearly every string, read without a loop: in a loop the optimized code
    // checks `buf` again (its map, length and data pointer) on every turn, as its machine code shows.
    if (first + 2 < end) {
      const d0 = buf[first]! - ZERO;
      const c1 = buf[first + 1]!;
      if (d0 >= 0 && d0 <= 9) {
        if (c1 === COLON) {
          const start = first + 2;
          if (d0 <= end - start) {
            this.pos = start + d0;
            return start;
          }
        } else if (c1 >= ZERO && c1 <= NINE && d0 !== 0 && buf[first + 2] === COLON) {
          const start = first + 3;
          const len = d0 * 10 + (c1 - ZERO);
          if (len <= end - start) {
            this.pos = start + len;
            return start;
          }
        }
      }
    }
    return this.stringBoundsChecked();
  }

  /** {@link stringBounds} with every check and error. */
  stringBoundsChecked(): number {
    const buf = this.buf;
    const first = this.pos;
    let pos = first;
    let len = 0;
    let c = buf[pos]!;
    if (c < ZERO || c > NINE) this.fail('BENCODE_UNEXPECTED_BYTE', 'expected a string length');
    do {
      len = len * 10 + (c - ZERO);
      pos++;
      if (pos >= buf.length) this.fail('BENCODE_UNEXPECTED_END', 'unexpected end of input in string length', pos);
      c = buf[pos]!;
    } while (c >= ZERO && c <= NINE);
    if (c !== COLON) this.fail('BENCODE_UNEXPECTED_BYTE', "expected ':' after string length", pos);
    if (buf[first] === ZERO && pos - first > 1) this.fail('BENCODE_LEADING_ZERO', 'string length has a leading zero', first);
    if (pos - first > MAX_LENGTH_DIGITS || len > buf.length - pos - 1) {
      this.fail('BENCODE_STRING_TOO_LONG', `string length ${pos - first > MAX_LENGTH_DIGITS ? 'too large' : len} exceeds the input`, first);
    }
    const start = pos + 1;
    this.pos = start + len;
    return start;
  }

  bytes(): Uint8Array {
    const start = this.stringBounds();
    if (!this.copy) return new Uint8Array(this.ab, this.base + start, this.pos - start);
    const out = allocate(this.pos - start);
    out.set(this.buf.subarray(start, this.pos));
    return out;
  }

  /**
   * The common case, a positive integer of at most 15 digits without a leading zero, kept small
   * enough for the engine to inline; everything else (and every error) goes to {@link integerAt}.
   */
  integer(): number | bigint {
    const buf = this.buf;
    const begin = this.pos;
    let pos = begin + 1;
    let n = buf[pos]! - ZERO;
    if (n >= 1 && n <= 9) {
      if (begin + 20 <= buf.length) {
        // Three digits a turn, with no bounds checks (16 digits and 3 more bytes fit): the engine
        // re-checks `buf` on every turn of a loop. At most six turns: past 15 digits, integerAt.
        for (;;) {
          const d0 = buf[pos + 1]! - ZERO;
          if (d0 < 0 || d0 > 9) {
            pos += 1;
            break;
          }
          const d1 = buf[pos + 2]! - ZERO;
          if (d1 < 0 || d1 > 9) {
            n = n * 10 + d0;
            pos += 2;
            break;
          }
          const d2 = buf[pos + 3]! - ZERO;
          if (d2 < 0 || d2 > 9) {
            n = n * 100 + d0 * 10 + d1;
            pos += 3;
            break;
          }
          n = n * 1000 + d0 * 100 + d1 * 10 + d2;
          pos += 3;
          if (pos - begin > 15) return this.integerAt(begin);
        }
      } else {
        let c = 0;
        while (++pos < buf.length && (c = buf[pos]!) >= ZERO && c <= NINE) n = n * 10 + (c - ZERO);
      }
      const digits = pos - begin - 1;
      if (pos < buf.length && buf[pos] === E && digits <= 15 && digits <= this.maxIntegerDigits) {
        this.pos = pos + 1;
        return n;
      }
    }
    return this.integerAt(begin);
  }

  integerAt(begin: number): number | bigint {
    const buf = this.buf;
    let pos = begin + 1;
    const negative = buf[pos] === MINUS;
    if (negative) pos++;
    const digitsStart = pos;
    let n = 0;
    let c = 0;
    while (pos < buf.length && (c = buf[pos]!) >= ZERO && c <= NINE) {
      n = n * 10 + (c - ZERO);
      pos++;
    }
    if (pos >= buf.length) this.fail('BENCODE_UNEXPECTED_END', 'unexpected end of input in integer', pos);
    if (c !== E) this.fail('BENCODE_UNEXPECTED_BYTE', "expected a digit or 'e' in integer", pos);
    const digits = pos - digitsStart;
    if (digits === 0) this.fail('BENCODE_EMPTY_INTEGER', 'integer has no digits', begin);
    if (buf[digitsStart] === ZERO) {
      if (digits > 1) this.fail('BENCODE_LEADING_ZERO', 'integer has a leading zero', digitsStart);
      if (negative) this.fail('BENCODE_NEGATIVE_ZERO', 'integer is negative zero', begin);
    }
    if (digits > this.maxIntegerDigits) this.fail('BENCODE_INTEGER_TOO_LONG', `integer has more than ${this.maxIntegerDigits} digits`, begin);
    this.pos = pos + 1;
    if (digits <= 15) return negative ? -n : n;
    let text = '';
    for (let i = digitsStart - (negative ? 1 : 0); i < pos; i++) text += String.fromCharCode(buf[i]!);
    const big = BigInt(text);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  list(depth: number): BList {
    if (depth > this.maxDepth) this.fail('BENCODE_DEPTH_EXCEEDED', `nesting deeper than ${this.maxDepth}`);
    const buf = this.buf;
    const start = this.pos++;
    // The first three items (a file path) stay in locals and the list is made from them (listOf).
    // Longer lists gather on one shared stack and leave it as an exact-size array:
    // `[]` + push would give every list a 17-slot backing store. Short lists never store into the
    // stack: it lives in the old generation, where each store of a new value costs a write barrier.
    const stack = this.stack;
    const mark = this.top;
    let n = 0;
    let a: BValue = 0, b: BValue = 0, c: BValue = 0;
    for (;;) {
      if (this.pos >= buf.length) this.fail('BENCODE_UNEXPECTED_END', 'unexpected end of input in list');
      if (buf[this.pos] === E) break;
      if (--this.itemsLeft < 0) this.fail('BENCODE_TOO_MANY_ITEMS', 'too many items');
      // Byte strings (file paths) are read here: the call through value() did not get inlined.
      // value() may use the stack above top, and moves top back when done.
      const first = buf[this.pos]!;
      const item = first >= ZERO && first <= NINE ? this.bytes() : this.value(depth);
      if (n === 0) a = item;
      else if (n === 1) b = item;
      else if (n === 2) c = item;
      else {
        if (n === 3) {
          stack[this.top++] = a;
          stack[this.top++] = b;
          stack[this.top++] = c;
        }
        stack[this.top++] = item;
      }
      n++;
    }
    this.pos++;
    let out: BList;
    if (n === 0) out = listOf();
    else if (n === 1) out = listOf(a);
    else if (n === 2) out = listOf(a, b);
    else if (n === 3) out = listOf(a, b, c);
    else {
      out = stack.slice(mark, this.top);
      this.top = mark;
    }
    if (depth <= this.spanDepth) recordSpan(out, buf, start, this.pos);
    return out;
  }

  dict(depth: number): BDict {
    if (depth > this.maxDepth) this.fail('BENCODE_DEPTH_EXCEEDED', `nesting deeper than ${this.maxDepth}`);
    const buf = this.buf;
    const start = this.pos++;
    // A dict that starts with `length` or '' (a file entry or a BEP 52 tree node, the dicts big
    // torrents are made of) keeps its first two entries in locals, so that a dict of just those is
    // made in one go (see pairDict). Any other dict is made up front and filled key by key.
    let out: BDict | undefined;
    let n = 0;
    let k0 = '', k1 = '';
    let v0: BValue = 0, v1: BValue = 0;
    let prevStart = -1, prevEnd = -1;
    // The previous key's interned entry (null when it has none): its `next` predicts this key.
    let prev: KeyEntry | null = FIRST_KEY;
    let sorted = true;
    for (;;) {
      if (this.pos >= buf.length) this.fail('BENCODE_UNEXPECTED_END', 'unexpected end of input in dict');
      const c = buf[this.pos]!;
      if (c === E) break;
      if (c < ZERO || c > NINE) this.fail('BENCODE_KEY_NOT_STRING', 'dict key is not a byte string');
      if (--this.itemsLeft < 0) this.fail('BENCODE_TOO_MANY_ITEMS', 'too many items');
      const keyOffset = this.pos;
      let keyStart: number, keyEnd: number;
      let entry: KeyEntry | null = prev === null ? null : prev.next;
      // A predicted key was checked to sort after `prev` when it was recorded: order is known. An
      // evicted one is looked up again, which puts its key back in the cache and relinks it.
      let order = -1;
      if (entry !== null && entry.live && isKeyAt(entry, buf, keyOffset)) {
        keyEnd = keyOffset + entry.encoded.length;
        keyStart = keyOffset + entry.prefix;
        this.pos = keyEnd;
      } else {
        keyStart = this.stringBounds();
        keyEnd = this.pos;
        entry = internKey(buf, keyStart, keyEnd);
        if (prevStart >= 0) order = compareRanges(buf, prevStart, prevEnd, keyStart, keyEnd);
        if (order < 0 && prev !== null && prev.live) prev.next = entry;
      }
      const key = entry === null ? decodeKey(buf, keyStart, keyEnd) : entry.key;
      if (n === 2 && out === undefined) out = pairDict(k0, v0, k1, v1);
      if (prevStart >= 0) {
        if (order > 0) sorted = false;
        // Among the first two entries a repeat is always the previous key (order 0).
        if (order === 0 || (!sorted && out !== undefined && Object.hasOwn(out, key))) {
          this.fail('BENCODE_DUPLICATE_KEY', `duplicate dict key ${JSON.stringify(key)}`, keyOffset);
        }
        if (!sorted && this.strict) this.fail('BENCODE_UNSORTED_KEYS', `dict key ${JSON.stringify(key)} is out of order`, keyOffset);
      }
      prevStart = keyStart;
      prevEnd = keyEnd;
      prev = entry;
      if (this.pos >= buf.length) this.fail('BENCODE_UNEXPECTED_END', 'dict key without a value');
      // Integers and byte strings (most values) are read here, without a call through value().
      const first = buf[this.pos]!;
      const value = first === I ? this.integer() : first >= ZERO && first <= NINE ? this.bytes() : this.value(depth);
      if (out !== undefined) setEntry(out, key, value);
      else if (n === 1) {
        k1 = key;
        v1 = value;
      } else if (key === 'length' || key === '') {
        k0 = key;
        v0 = value;
      } else {
        out = {};
        setEntry(out, key, value);
      }
      n++;
    }
    this.pos++;
    if (out === undefined) out = n === 2 ? pairDict(k0, v0, k1, v1) : n === 1 ? singleDict(k0, v0) : {};
    if (depth <= this.spanDepth) recordSpan(out, buf, start, this.pos);
    return out;
  }
}

function compareRanges(buf: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const la = a1 - a0, lb = b1 - b0;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = buf[a0 + i]! - buf[b0 + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

/** The deepest nesting whose spans are recorded: every one for `true`, none for false or 0. */
function spanDepthOf(spans: boolean | number | undefined): number {
  if (spans === true) return MAX_DEPTH_LIMIT;
  // A small integer either way: the decoder's fields keep one representation.
  return typeof spans === 'number' && spans > 0 ? Math.min(Math.floor(spans), MAX_DEPTH_LIMIT) : 0;
}

const shared = new Decoder();

/** Every failure leaves as a BencodeError: a stack overflow from an absurd maxDepth is a depth error. */
function asBencodeError(err: unknown, pos: number): BencodeError {
  if (err instanceof BencodeError) return err;
  return new BencodeError('BENCODE_DEPTH_EXCEEDED', `could not decode: ${(err as Error)?.message ?? err}`, pos);
}

/**
 * Decodes exactly one bencoded value that must span the whole input.
 * Strict by default (BEP 3): leading zeros, `-0`, empty integers, unsorted or duplicate keys, trailing
 * bytes and truncation are errors. Byte strings are views into `input` unless `copy` is set.
 * @throws {BencodeError} for any malformed input, and nothing else.
 */
export function decode(input: Uint8Array | ArrayBufferView | ArrayBufferLike | string, options?: DecodeOptions): BValue {
  const d = shared.reset(toBytes(input), options);
  try {
    const value = d.value(0);
    if (d.pos !== d.buf.length) d.fail('BENCODE_TRAILING_BYTES', `${d.buf.length - d.pos} bytes after the value`);
    return value;
  } catch (err) {
    throw asBencodeError(err, d.pos);
  } finally {
    d.release();
  }
}

/**
 * Decodes one bencoded value at the start of `input` and reports how many bytes it took; bytes after it
 * are left alone (BEP 9 metadata messages carry raw data after a bencoded dict).
 * @throws {BencodeError} for any malformed input, and nothing else.
 */
export function decodePrefix(
  input: Uint8Array | ArrayBufferView | ArrayBufferLike,
  options?: DecodeOptions,
): { value: BValue; length: number } {
  const d = shared.reset(toBytes(input), options);
  try {
    const value = d.value(0);
    return { value, length: d.pos };
  } catch (err) {
    throw asBencodeError(err, d.pos);
  } finally {
    d.release();
  }
}
