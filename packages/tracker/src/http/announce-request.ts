// BEP 3 announce parameters (with BEP 7 IPv6 and BEP 23 compact), scanned straight from the raw query
// string and validated. This is the tracker's hottest path, so it allocates only for the values it
// keeps as bytes (info_hash, peer_id, key, trackerid); numbers and flags are read from the chars.
import { TrackerError } from '../errors.ts';
import { parseIp } from '../ip.ts';
import type { AnnounceEvent } from '../store.ts';
import { hexValue, percentDecode, type QueryLimits, type QueryParam } from './query.ts';

/** A validated announce request. */
export interface AnnounceRequest {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  uploaded: number;
  downloaded: number;
  /** Bytes left; `0` means seeder. Missing `left` is taken as "not a seeder" (-1). */
  left: number;
  event: AnnounceEvent;
  /** Requested number of peers, or -1 for the tracker's default. */
  numwant: number;
  /** Compact reply wanted (BEP 23). Defaults to true: every current client asks for it. */
  compact: boolean;
  noPeerId: boolean;
  /** The client's `key`, raw, or undefined. */
  key: Uint8Array | undefined;
  trackerId: Uint8Array | undefined;
  /** Address from the `ip` (or `ipv4`/`ipv6`) parameter, parsed; the server decides whether to trust it. */
  ip: Uint8Array | undefined;
}

const latin1 = (b: Uint8Array) => String.fromCharCode.apply(null, b as unknown as number[]);

function fail(code: string, message: string): never {
  throw new TrackerError(code, message);
}

/** A non-negative decimal integer of at most 20 digits in q[a, b), or -1. Saturates past 2^53. */
function decimalAt(q: string, a: number, b: number): number {
  if (b <= a || b - a > 20) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = q.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return Math.min(v, Number.MAX_SAFE_INTEGER);
}

/** Decoded bytes of q[a, b), only when they are exactly `len` long (else null). */
function fixedBytes(q: string, a: number, b: number, len: number): Uint8Array | null {
  // Count first so the common case allocates once, at the exact size.
  let n = 0;
  for (let i = a; i < b; i++, n++) if (q.charCodeAt(i) === 37) i += 2;
  if (n !== len) {
    percentDecode(q, a, b); // a malformed escape is reported as such
    return null;
  }
  const out = new Uint8Array(len);
  for (let i = a, j = 0; i < b; i++, j++) {
    const c = q.charCodeAt(i);
    if (c === 37) {
      const hi = i + 2 < b ? hexValue(q.charCodeAt(i + 1)) : -1;
      const lo = hi >= 0 ? hexValue(q.charCodeAt(i + 2)) : -1;
      if (lo < 0) return (percentDecode(q, a, b), null); // throws the precise error
      out[j] = (hi << 4) | lo;
      i += 2;
    } else if (c === 43) out[j] = 32;
    else if (c > 255) return (percentDecode(q, a, b), null);
    else out[j] = c;
  }
  return out;
}

/** The value as text when it holds no escapes (the common case), else decoded as Latin-1. */
function textAt(q: string, a: number, b: number): string {
  for (let i = a; i < b; i++) {
    const c = q.charCodeAt(i);
    if (c === 37 || c === 43) return latin1(percentDecode(q, a, b));
  }
  return q.slice(a, b);
}

/** A decimal value (see decimalAt), decoding escapes first if a client sent any. */
function numberAt(q: string, a: number, b: number): number {
  for (let i = a; i < b; i++) {
    const c = q.charCodeAt(i);
    if (c === 37 || c === 43) {
      const t = latin1(percentDecode(q, a, b));
      return decimalAt(t, 0, t.length);
    }
  }
  return decimalAt(q, a, b);
}

function setIp(cur: Uint8Array | undefined, name: string, raw: string): Uint8Array | undefined {
  if (raw.length > 64) fail('TRACKER_BAD_PARAM', `${name} too long`);
  // BEP 7 allows "addr" or "[addr]:port"; only the address matters here.
  const m = /^\[(.*)\](?::\d+)?$/.exec(raw) ?? (name === 'ipv4' ? /^([^:]*)(?::\d+)?$/.exec(raw) : null);
  const parsed = parseIp(m ? m[1]! : raw);
  return parsed && (!cur || name === 'ip') ? parsed : cur; // DNS names in `ip` are ignored
}

/**
 * Parse and validate an announce query string (without `?`). Throws TrackerError whose message is fit
 * for a `failure reason`. Unknown parameters are ignored.
 */
export function parseAnnounceQuery(query: string, limits: QueryLimits = {}): AnnounceRequest {
  const maxLength = limits.maxLength ?? 8192;
  const maxParams = limits.maxParams ?? 128;
  if (query.length > maxLength) fail('TRACKER_REQUEST_TOO_LARGE', 'query string too long');
  let infoHash: Uint8Array | undefined;
  let peerId: Uint8Array | undefined;
  let port = -1;
  let uploaded = 0, downloaded = 0, left = -1, numwant = -1;
  let event: AnnounceEvent = 'none';
  let compact = true, noPeerId = false;
  let key: Uint8Array | undefined, trackerId: Uint8Array | undefined, ip: Uint8Array | undefined;
  let count = 0;
  for (let start = 0; start < query.length;) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end === start) { start++; continue; }
    if (++count > maxParams) fail('TRACKER_REQUEST_TOO_LARGE', 'too many query parameters');
    let eq = query.indexOf('=', start);
    if (eq < 0 || eq > end) eq = end;
    const name = textAt(query, start, eq);
    const a = eq < end ? eq + 1 : end;
    switch (name) {
      case 'info_hash': {
        if (infoHash) fail('TRACKER_BAD_INFO_HASH', 'more than one info_hash');
        const v = fixedBytes(query, a, end, 20);
        if (!v) fail('TRACKER_BAD_INFO_HASH', 'info_hash must be 20 bytes');
        infoHash = v;
        break;
      }
      case 'peer_id': {
        const v = fixedBytes(query, a, end, 20);
        if (!v) fail('TRACKER_BAD_PEER_ID', 'peer_id must be 20 bytes');
        peerId = v;
        break;
      }
      case 'port':
        port = numberAt(query, a, end);
        if (port < 1 || port > 65535) fail('TRACKER_BAD_PORT', 'port must be 1..65535');
        break;
      case 'uploaded':
      case 'downloaded':
      case 'left': {
        const v = numberAt(query, a, end);
        if (v < 0) fail('TRACKER_BAD_PARAM', `invalid ${name}`);
        if (name === 'uploaded') uploaded = v; else if (name === 'downloaded') downloaded = v; else left = v;
        break;
      }
      case 'event': {
        const e = textAt(query, a, end);
        if (e === 'started' || e === 'stopped' || e === 'completed') event = e;
        else if (e === '' || e === 'empty' || e === 'paused') event = 'none'; // BEP 21 paused = regular
        else fail('TRACKER_BAD_EVENT', 'invalid event');
        break;
      }
      case 'numwant': {
        // Some clients send -1 for "tracker default"; huge values are capped later, junk refused.
        const t = textAt(query, a, end);
        if (t === '-1') numwant = -1;
        else if ((numwant = decimalAt(t, 0, t.length)) < 0) fail('TRACKER_BAD_NUMWANT', 'invalid numwant');
        break;
      }
      case 'compact':
        compact = textAt(query, a, end) !== '0';
        break;
      case 'no_peer_id':
        noPeerId = textAt(query, a, end) !== '0';
        break;
      case 'key':
        if (end - a > 192) fail('TRACKER_BAD_PARAM', 'key too long');
        key = percentDecode(query, a, end);
        if (key.length > 64) fail('TRACKER_BAD_PARAM', 'key too long');
        break;
      case 'trackerid':
        if (end - a > 192) fail('TRACKER_BAD_PARAM', 'trackerid too long');
        trackerId = percentDecode(query, a, end);
        if (trackerId.length > 64) fail('TRACKER_BAD_PARAM', 'trackerid too long');
        break;
      case 'ip':
      case 'ipv4':
      case 'ipv6':
        if (end - a > 192) fail('TRACKER_BAD_PARAM', `${name} too long`);
        ip = setIp(ip, name, textAt(query, a, end));
        break;
      default:
        // Unknown parameters (supportcrypto, corrupt, redundant, ...) are tolerated, but still must
        // be well-formed so a broken query never half-applies.
        if (query.indexOf('%', a) >= 0 && query.indexOf('%', a) < end) percentDecode(query, a, end);
        break;
    }
    start = end + 1;
  }
  if (!infoHash) fail('TRACKER_BAD_INFO_HASH', 'missing info_hash');
  if (!peerId) fail('TRACKER_BAD_PEER_ID', 'missing peer_id');
  if (port < 0) fail('TRACKER_BAD_PORT', 'missing port');
  return { infoHash, peerId, port, uploaded, downloaded, left, event, numwant, compact, noPeerId, key, trackerId, ip };
}

/** Info hashes of a scrape query (BEP 48): every `info_hash`, each 20 bytes; none means "all" (refused by the core). */
export function parseScrapeParams(params: readonly QueryParam[], maxHashes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const { name, value } of params) {
    if (name !== 'info_hash') continue;
    if (value.length !== 20) fail('TRACKER_BAD_INFO_HASH', 'info_hash must be 20 bytes');
    if (out.length === maxHashes) fail('TRACKER_REQUEST_TOO_LARGE', `at most ${maxHashes} info hashes per scrape`);
    out.push(value);
  }
  return out;
}
