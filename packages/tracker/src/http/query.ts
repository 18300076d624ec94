// Binary-safe parsing of a raw URL query string (BEP 3 announce/scrape). `info_hash` and `peer_id`
// are raw bytes, percent-encoded byte by byte; URLSearchParams would decode them as UTF-8 and
// replace invalid sequences, so this works on the string's char codes directly.
import { TrackerError } from '../errors.ts';

/** One `name=value` pair; `value` holds the decoded bytes. */
export interface QueryParam {
  name: string;
  value: Uint8Array;
}

/** Limits of {@link parseQuery}. */
export interface QueryLimits {
  /** Longest accepted query string, in chars. Default 8192. */
  maxLength?: number;
  /** Most parameters. Default 128. */
  maxParams?: number;
}

/** Value of one hex digit char code, or -1. */
export function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Percent-decode `query.slice(start, end)` into bytes. `+` is a space (form encoding). A raw char
 * above 0xFF (not something an HTTP/1 request line can carry) is refused.
 */
export function percentDecode(query: string, start = 0, end = query.length): Uint8Array {
  const out = new Uint8Array(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = query.charCodeAt(i);
    if (c === 37) {
      const hi = i + 2 < end ? hexValue(query.charCodeAt(i + 1)) : -1;
      const lo = hi >= 0 ? hexValue(query.charCodeAt(i + 2)) : -1;
      if (lo < 0) throw new TrackerError('TRACKER_BAD_QUERY', `invalid percent-escape at offset ${i}`);
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else if (c === 43) {
      out[n++] = 32;
    } else if (c > 255) {
      throw new TrackerError('TRACKER_BAD_QUERY', `invalid character at offset ${i}`);
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

/** Percent-encode bytes for a query value (unreserved chars stay literal, as clients do). */
export function percentEncode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 45 || b === 46 || b === 95 || b === 126) {
      s += String.fromCharCode(b);
    } else {
      s += (b < 16 ? '%0' : '%') + b.toString(16).toUpperCase();
    }
  }
  return s;
}

/** Split and decode a query string (without the leading `?`). Names are decoded as Latin-1 text. */
export function parseQuery(query: string, limits: QueryLimits = {}): QueryParam[] {
  const maxLength = limits.maxLength ?? 8192;
  const maxParams = limits.maxParams ?? 128;
  if (query.length > maxLength) throw new TrackerError('TRACKER_REQUEST_TOO_LARGE', 'query string too long');
  const params: QueryParam[] = [];
  let start = 0;
  while (start < query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end > start) {
      if (params.length === maxParams) throw new TrackerError('TRACKER_REQUEST_TOO_LARGE', 'too many query parameters');
      let eq = query.indexOf('=', start);
      if (eq < 0 || eq > end) eq = end;
      const nameBytes = percentDecode(query, start, eq);
      const name = String.fromCharCode.apply(null, nameBytes as unknown as number[]);
      params.push({ name, value: eq < end ? percentDecode(query, eq + 1, end) : new Uint8Array(0) });
    }
    start = end + 1;
  }
  return params;
}
