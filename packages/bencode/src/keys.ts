// Dict keys are byte strings (BEP 3). We expose them as JS strings: the UTF-8 decoding when valid,
// with each byte that is not part of valid UTF-8 mapped to a lone surrogate U+DC80..U+DCFF (the
// "surrogateescape" scheme). Valid UTF-8 never decodes to a lone surrogate, so the mapping is
// reversible and keys that are not UTF-8 survive decode -> encode byte-exactly.

/**
 * An interned dict key: its bytes and its string. `next` is the key that last followed this one in a
 * dict and was checked to sort after it, so a dict that repeats a key sequence (every announce, every
 * file entry of a torrent) confirms each key by comparing its bytes once: no hashing, no order check.
 */
export interface KeyEntry {
  /** The key as it appears in a canonical encoding: `<length>:<bytes>`. */
  readonly encoded: Uint8Array;
  /** Length of the `<length>:` part of `encoded`. */
  readonly prefix: number;
  readonly key: string;
  next: KeyEntry | null;
  /** False once evicted from the cache; an evicted entry never gets a `next` again. */
  live: boolean;
}

const CACHE_SIZE = 1024;
const MAX_CACHED_LENGTH = 32;
const cache: (KeyEntry | undefined)[] = new Array(CACHE_SIZE);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Stands before the first key of a dict: its `next` predicts the first key. Never compared. */
export const FIRST_KEY: KeyEntry = { encoded: new Uint8Array(0), prefix: 0, key: '', next: null, live: true };

/**
 * Whether the key at `pos` is `entry`, length prefix included. A match is a well-formed string (the
 * prefix is canonical), so the caller skips parsing the length.
 */
export function isKeyAt(entry: KeyEntry, buf: Uint8Array, pos: number): boolean {
  const encoded = entry.encoded;
  const n = encoded.length;
  if (pos + n > buf.length) return false;
  // Four bytes a turn: the engine re-checks both arrays on every turn of a loop.
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = pos + i;
    if (encoded[i] !== buf[at] || encoded[i + 1] !== buf[at + 1] || encoded[i + 2] !== buf[at + 2] || encoded[i + 3] !== buf[at + 3]) return false;
  }
  for (; i < n; i++) if (encoded[i] !== buf[pos + i]) return false;
  return true;
}

function isKey(entry: KeyEntry, buf: Uint8Array, start: number, end: number): boolean {
  const { encoded, prefix } = entry;
  if (encoded.length - prefix !== end - start) return false;
  for (let i = start; i < end; i++) if (encoded[prefix + i - start] !== buf[i]) return false;
  return true;
}

/** The interned entry for the key bytes `buf[start, end)`, or null when they are long or not ASCII. */
export function internKey(buf: Uint8Array, start: number, end: number): KeyEntry | null {
  const len = end - start;
  if (len > MAX_CACHED_LENGTH) return null;
  let h = len;
  let high = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    h = (Math.imul(h, 31) + c) | 0;
    high |= c;
  }
  if (high >= 0x80) return null;
  const slot = h & (CACHE_SIZE - 1);
  const cached = cache[slot];
  if (cached !== undefined && isKey(cached, buf, start, end)) return cached;
  // An evicted entry lets go of its successor and never links another (see `live`), so the entries
  // reachable through `next` are at most the cached ones and one successor of each, whatever the input.
  if (cached !== undefined) {
    cached.live = false;
    cached.next = null;
  }
  const digits = String(len);
  const prefix = digits.length + 1;
  const encoded = new Uint8Array(prefix + len);
  for (let i = 0; i < digits.length; i++) encoded[i] = digits.charCodeAt(i);
  encoded[digits.length] = 0x3a; // ':'
  encoded.set(buf.subarray(start, end), prefix);
  const key = internalized(String.fromCharCode.apply(null, encoded.subarray(prefix) as unknown as number[]));
  const entry: KeyEntry = { encoded, prefix, key, next: null, live: true };
  cache[slot] = entry;
  return entry;
}

/**
 * The engine's own copy of `s`, the one it keeps for property names. Adding a key to a dict with a
 * string the engine has not seen as a name makes it look that string up in its table on every
 * store, and comparing two such strings reads their characters; with its own copy both are a
 * pointer check. A property name is always that copy, so one round through an object gives it.
 */
function internalized(s: string): string {
  const holder: Record<string, number> = {};
  holder[s] = 0;
  return Object.keys(holder)[0] ?? s;
}

/** Decodes key bytes that have no interned entry (long or not ASCII). */
export function decodeKey(buf: Uint8Array, start: number, end: number): string {
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    return decodeEscaped(buf, start, end);
  }
}

/** UTF-8 decoding where every byte outside a valid sequence becomes U+DC00 + byte. */
function decodeEscaped(buf: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const b0 = buf[i]!;
    if (b0 < 0x80) {
      units.push(b0);
      i++;
      continue;
    }
    const cp = readSequence(buf, i, end, b0);
    if (cp < 0) {
      units.push(0xdc00 + b0);
      i++;
    } else {
      const n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (cp >= 0x10000) {
        const v = cp - 0x10000;
        units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
      } else units.push(cp);
      i += n;
    }
  }
  let out = '';
  for (let k = 0; k < units.length; k += 4096) out += String.fromCharCode.apply(null, units.slice(k, k + 4096));
  return out;
}

/** The code point of the well-formed UTF-8 sequence at `i`, or -1 (overlong, surrogate, truncated...). */
function readSequence(buf: Uint8Array, i: number, end: number, b0: number): number {
  const cont = (k: number): number => {
    const b = i + k < end ? buf[i + k]! : 0;
    return (b & 0xc0) === 0x80 ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? -1 : ((b0 & 0x1f) << 6) | c1;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1), c2 = cont(2);
    if (c1 < 0 || c2 < 0) return -1;
    const cp = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
    return cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ? -1 : cp;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return -1;
    const cp = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    return cp < 0x10000 || cp > 0x10ffff ? -1 : cp;
  }
  return -1;
}

const textEncoder = new TextEncoder();

/**
 * Byte length of `s` as written by {@link writeString}: UTF-8, except lone surrogates U+DC80..U+DCFF,
 * which stand for one raw byte each. Returns a negative length (bitwise-not) when such escapes occur.
 */
export function stringByteLength(s: string): number {
  const n = s.length;
  let len = n;
  let escaped = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && isLow(s.charCodeAt(i + 1))) {
      len += 2; // 4 bytes for 2 code units
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) escaped = true; // one raw byte
    else len += 2;
  }
  return escaped ? ~len : len;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Writes `s` at `pos`; `byteLen` comes from {@link stringByteLength}. Returns the end position. */
export function writeString(s: string, byteLen: number, out: Uint8Array, pos: number): number {
  if (byteLen === s.length) {
    for (let i = 0; i < byteLen; i++) out[pos + i] = s.charCodeAt(i);
    return pos + byteLen;
  }
  if (byteLen >= 0) {
    textEncoder.encodeInto(s, out.subarray(pos, pos + byteLen));
    return pos + byteLen;
  }
  return writeEscaped(s, out, pos);
}

function writeEscaped(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out[pos++] = c;
    else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[pos++] = 0xf0 | (c >> 18);
      out[pos++] = 0x80 | ((c >> 12) & 0x3f);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xdc80 && c <= 0xdcff) out[pos++] = c - 0xdc00;
    else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // other lone surrogates: as TextEncoder does
      out[pos++] = 0xe0 | (c >> 12);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}
