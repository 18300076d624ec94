// Canonical bencoding (BEP 3): dict keys sorted by their raw bytes, integers in shortest form.
import { BencodeError } from './errors.ts';
import { stringByteLength, writeString } from './keys.ts';
import { allocate } from './pool.ts';

const MAX_DEPTH = 2_000;
const textEncoder = new TextEncoder();
const KEEP_SCRATCH = 4 * 1024 * 1024;
const E = 0x65, COLON = 0x3a;
const OBJECT_PROTO = Object.prototype;

let scratch: Uint8Array = new Uint8Array(64 * 1024);
let scratchBusy = false;
const EMPTY = new Uint8Array(0);

/** One canonical key: its raw bytes (when not plain ASCII) and the value under it. */
interface Entry {
  key: string | Uint8Array;
  bytes: Uint8Array | null;
  value: unknown;
}

class Writer {
  out: Uint8Array;
  pos: number;
  readonly growable: boolean;

  constructor(out: Uint8Array, pos: number, growable: boolean) {
    this.out = out;
    this.pos = pos;
    this.growable = growable;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.out.length) return;
    if (!this.growable) {
      throw new BencodeError('BENCODE_BUFFER_TOO_SMALL', `target buffer too small: need more than ${this.out.length - this.pos} bytes`);
    }
    let size = this.out.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.out.subarray(0, this.pos));
    this.out = next;
  }

  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'bigint':
        return this.bigint(v);
      case 'object':
        if (v === null) throw unsupported('null');
        if (v instanceof Uint8Array) return this.bytes(v);
        if (depth >= MAX_DEPTH) throw new BencodeError('BENCODE_UNSUPPORTED_TYPE', `value nested deeper than ${MAX_DEPTH} (or cyclic)`);
        if (Array.isArray(v)) return this.list(v, depth + 1);
        if (v instanceof Map) return this.entries(mapEntries(v), depth + 1);
        if (ArrayBuffer.isView(v)) return this.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        if (v instanceof ArrayBuffer) return this.bytes(new Uint8Array(v));
        {
          const proto = Object.getPrototypeOf(v);
          if (proto !== OBJECT_PROTO && proto !== null) throw unsupported(proto?.constructor?.name ?? 'object');
        }
        return this.dict(v as Record<string, unknown>, depth + 1);
      case 'undefined':
        throw new BencodeError('BENCODE_UNDEFINED_VALUE', 'cannot encode undefined');
      default:
        throw unsupported(typeof v);
    }
  }

  digits(n: number): void {
    // n is a non-negative safe integer; int32 arithmetic where it fits (the common case) is faster
    const out = this.out;
    if (n < 10) {
      out[this.pos++] = 0x30 + n;
      return;
    }
    let len = 1;
    if (n <= 0x7fffffff) {
      for (let t = n; t >= 10; t = (t / 10) | 0) len++;
      let p = this.pos + len;
      this.pos = p;
      do {
        const q = (n / 10) | 0;
        out[--p] = 0x30 + (n - q * 10);
        n = q;
      } while (n > 0);
      return;
    }
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
    let p = this.pos + len;
    this.pos = p;
    do {
      const q = Math.floor(n / 10);
      out[--p] = 0x30 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  number(n: number): void {
    if (!Number.isInteger(n)) throw new BencodeError('BENCODE_NOT_INTEGER', `cannot encode ${n}: bencode integers only`);
    if (n > Number.MAX_SAFE_INTEGER || n < -Number.MAX_SAFE_INTEGER) return this.bigint(BigInt(n));
    this.ensure(intLength(n) + 2);
    this.out[this.pos++] = 0x69;
    if (n < 0) {
      this.out[this.pos++] = 0x2d;
      n = -n;
    }
    this.digits(n === 0 ? 0 : n); // -0 encodes as 0
    this.out[this.pos++] = E;
  }

  bigint(n: bigint): void {
    const text = n.toString();
    this.ensure(text.length + 2);
    this.out[this.pos++] = 0x69;
    for (let i = 0; i < text.length; i++) this.out[this.pos++] = text.charCodeAt(i);
    this.out[this.pos++] = E;
  }

  bytes(b: Uint8Array): void {
    this.ensure(decimalLength(b.length) + 1 + b.length);
    this.digits(b.length);
    this.out[this.pos++] = COLON;
    this.out.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    // Optimistically ASCII (one pass, byte length = s.length); roll back on the first other char.
    const n = s.length;
    this.ensure(decimalLength(n) + 1 + n);
    const start = this.pos;
    this.digits(n);
    const out = this.out;
    let p = this.pos;
    out[p++] = COLON;
    if (n > 64) {
      const r = textEncoder.encodeInto(s, out.subarray(p, p + n));
      if (r.read === n && r.written === n) {
        this.pos = p + n;
        return;
      }
    } else {
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        out[p++] = c;
      }
      if (i === n) {
        this.pos = p;
        return;
      }
    }
    this.pos = start;
    this.unicodeString(s);
  }

  unicodeString(s: string): void {
    const len = stringByteLength(s);
    const n = len < 0 ? ~len : len;
    this.ensure(decimalLength(n) + 1 + n);
    this.digits(n);
    this.out[this.pos++] = COLON;
    this.pos = writeString(s, len, this.out, this.pos);
  }

  list(items: readonly unknown[], depth: number): void {
    this.ensure(1);
    this.out[this.pos++] = 0x6c;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === undefined) throw new BencodeError('BENCODE_UNDEFINED_VALUE', `cannot encode undefined at list index ${i}`);
      this.value(item, depth);
    }
    this.ensure(1);
    this.out[this.pos++] = E;
  }

  dict(obj: Record<string, unknown>, depth: number): void {
    const keys = sortKeys(Object.keys(obj));
    const start = this.pos;
    this.ensure(1);
    this.out[this.pos++] = 0x64;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = obj[key];
      if (value === undefined) throw new BencodeError('BENCODE_UNDEFINED_VALUE', `cannot encode undefined under key ${JSON.stringify(key)}`);
      const n = key.length;
      this.ensure(decimalLength(n) + 1 + n);
      this.digits(n);
      const out = this.out;
      out[this.pos++] = COLON;
      for (let j = 0; j < n; j++) {
        const c = key.charCodeAt(j);
        if (c > 0x7f) {
          // UTF-16 order is byte order only for ASCII: redo this dict on the general path
          this.pos = start;
          return this.entries(keys.map((k) => ({ key: k, bytes: null, value: obj[k] })), depth);
        }
        out[this.pos++] = c;
      }
      this.value(value, depth);
    }
    this.ensure(1);
    this.out[this.pos++] = E;
  }

  /** General dict path: keys compared by their raw bytes (non-ASCII strings, byte keys, Maps). */
  entries(entries: Entry[], depth: number): void {
    for (const e of entries) e.bytes = keyBytes(e.key);
    entries.sort((a, b) => compareBytes(a.bytes!, b.bytes!));
    this.ensure(1);
    this.out[this.pos++] = 0x64;
    for (let i = 0; i < entries.length; i++) {
      const { bytes, value, key } = entries[i]!;
      if (i > 0 && compareBytes(entries[i - 1]!.bytes!, bytes!) === 0) {
        throw new BencodeError('BENCODE_DUPLICATE_KEY', `duplicate dict key ${JSON.stringify(String(key))}`);
      }
      if (value === undefined) throw new BencodeError('BENCODE_UNDEFINED_VALUE', `cannot encode undefined under key ${JSON.stringify(String(key))}`);
      this.bytes(bytes!);
      this.value(value, depth);
    }
    this.ensure(1);
    this.out[this.pos++] = E;
  }
}

const sharedWriter = new Writer(EMPTY, 0, true);

function unsupported(what: string): BencodeError {
  return new BencodeError('BENCODE_UNSUPPORTED_TYPE', `cannot encode ${what}: use Uint8Array, string, integer, bigint, array, plain object or Map`);
}

// Dicts encoded over and over (announces, replies, file entries) tend to have the same keys in the
// same order: remember the last sorted order per key count and reuse it when the keys are identical.
const sortedCacheIn: (string[] | undefined)[] = new Array(33);
const sortedCacheOut: (string[] | undefined)[] = new Array(33);

/** Sorted by UTF-16 code units (byte order for ASCII, the caller checks); may return a cached array. */
function sortKeys(keys: string[]): string[] {
  const n = keys.length;
  if (n > 32) return keys.sort();
  const seen = sortedCacheIn[n];
  if (seen !== undefined) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (seen[i] !== keys[i]) {
        same = false;
        break;
      }
    }
    if (same) return sortedCacheOut[n]!;
  }
  const sorted = keys.slice();
  for (let i = 1; i < n; i++) {
    const k = sorted[i]!;
    let j = i - 1;
    while (j >= 0 && sorted[j]! > k) {
      sorted[j + 1] = sorted[j]!;
      j--;
    }
    sorted[j + 1] = k;
  }
  sortedCacheIn[n] = keys;
  sortedCacheOut[n] = sorted;
  return sorted;
}

function mapEntries(m: Map<unknown, unknown>): Entry[] {
  const out: Entry[] = [];
  for (const [key, value] of m) {
    if (typeof key !== 'string' && !(key instanceof Uint8Array)) {
      throw new BencodeError('BENCODE_UNSUPPORTED_TYPE', 'Map keys must be strings or Uint8Array');
    }
    out.push({ key, bytes: null, value });
  }
  return out;
}

function keyBytes(key: string | Uint8Array): Uint8Array {
  if (key instanceof Uint8Array) return key;
  const len = stringByteLength(key);
  const out = new Uint8Array(len < 0 ? ~len : len);
  writeString(key, len, out, 0);
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Encodes a value canonically: `Uint8Array` (and other views, `ArrayBuffer`) as byte strings, strings
 * as UTF-8, integer numbers and bigints as integers, arrays as lists, plain objects and `Map`s as dicts
 * with keys sorted by raw bytes. Floats, NaN, `null`, booleans and `undefined` are rejected.
 * Results of up to 2 KiB are views into a shared 16 KiB buffer, as Node's `Buffer.allocUnsafe` gives;
 * call `.slice()` on one before transferring its `.buffer` elsewhere.
 * @throws {BencodeError} with a code saying what could not be encoded.
 */
export function encode(value: unknown): Uint8Array {
  // A getter inside `value` could call encode again: only the outermost call uses the shared writer.
  const reuse = !scratchBusy;
  const w = reuse ? sharedWriter : new Writer(new Uint8Array(1024), 0, true);
  if (reuse) {
    scratchBusy = true;
    w.out = scratch;
    w.pos = 0;
  }
  try {
    w.value(value, 0);
    const result = allocate(w.pos);
    result.set(new Uint8Array(w.out.buffer, w.out.byteOffset, w.pos));
    return result;
  } catch (err) {
    throw asBencodeError(err);
  } finally {
    if (reuse) {
      scratchBusy = false;
      if (w.out.length <= KEEP_SCRATCH) scratch = w.out;
      w.out = EMPTY;
    }
  }
}

/**
 * Encodes `value` into `target` at `offset` without allocating; returns the number of bytes written.
 * @throws {BencodeError} `BENCODE_BUFFER_TOO_SMALL` when it does not fit (see {@link encodingLength}).
 */
export function encodeInto(value: unknown, target: Uint8Array, offset = 0): number {
  const w = new Writer(target, offset, false);
  try {
    w.value(value, 0);
  } catch (err) {
    throw asBencodeError(err);
  }
  return w.pos - offset;
}

/** The exact number of bytes `encode(value)` produces. */
export function encodingLength(value: unknown): number {
  try {
    return lengthOf(value, 0);
  } catch (err) {
    throw asBencodeError(err);
  }
}

/** A stack overflow (a very deep or cyclic value) becomes a BencodeError like every other failure. */
function asBencodeError(err: unknown): unknown {
  if (err instanceof RangeError) return new BencodeError('BENCODE_UNSUPPORTED_TYPE', `value nested too deeply (or cyclic), or too large: ${err.message}`);
  return err;
}

function decimalLength(n: number): number {
  let len = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
  return len;
}

function intLength(n: number): number {
  return n < 0 ? 1 + decimalLength(-n) : decimalLength(n);
}

function bytesLength(n: number): number {
  return intLength(n) + 1 + n;
}

function lengthOf(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string': {
      const len = stringByteLength(v);
      return bytesLength(len < 0 ? ~len : len);
    }
    case 'number':
      if (!Number.isInteger(v)) throw new BencodeError('BENCODE_NOT_INTEGER', `cannot encode ${v}: bencode integers only`);
      if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return BigInt(v).toString().length + 2;
      return intLength(v === 0 ? 0 : v) + 2;
    case 'bigint':
      return v.toString().length + 2;
    case 'object': {
      if (v === null) throw unsupported('null');
      if (v instanceof Uint8Array || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return bytesLength(v.byteLength);
      if (depth >= MAX_DEPTH) throw new BencodeError('BENCODE_UNSUPPORTED_TYPE', `value nested deeper than ${MAX_DEPTH} (or cyclic)`);
      let total = 2;
      if (Array.isArray(v)) {
        for (const item of v) {
          if (item === undefined) throw new BencodeError('BENCODE_UNDEFINED_VALUE', 'cannot encode undefined in a list');
          total += lengthOf(item, depth + 1);
        }
        return total;
      }
      const entries = v instanceof Map ? mapEntries(v) : null;
      if (entries === null) {
        const proto = Object.getPrototypeOf(v);
        if (proto !== OBJECT_PROTO && proto !== null) throw unsupported(proto?.constructor?.name ?? 'object');
      }
      const list = entries ?? Object.keys(v).map((k) => ({ key: k, bytes: null, value: (v as Record<string, unknown>)[k] }));
      for (const e of list) {
        if (e.value === undefined) throw new BencodeError('BENCODE_UNDEFINED_VALUE', `cannot encode undefined under key ${JSON.stringify(String(e.key))}`);
        total += bytesLength(keyBytesLength(e.key)) + lengthOf(e.value, depth + 1);
      }
      return total;
    }
    case 'undefined':
      throw new BencodeError('BENCODE_UNDEFINED_VALUE', 'cannot encode undefined');
    default:
      throw unsupported(typeof v);
  }
}

function keyBytesLength(key: string | Uint8Array): number {
  if (key instanceof Uint8Array) return key.length;
  const len = stringByteLength(key);
  return len < 0 ? ~len : len;
}
