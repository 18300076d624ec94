// Reading a tracker's bencoded HTTP reply (BEP 3, compact BEP 23, peers6 BEP 7, scrape BEP 48) on the
// client side. Trackers send junk: every shape check fails with TrackerError TRACKER_BAD_RESPONSE,
// except where real clients keep what is usable (broken peer entries, a partial compact entry at the
// end, negative counts) and so must we.
import { decode, encode, type BDict, type BValue } from '@torrentkit/bencode';
import { TrackerError } from '../errors.ts';
import { formatIp } from '../ip.ts';

/** A peer as a tracker listed it. `ip` is address text (or a host name in old non-compact replies). */
export interface PeerAddress {
  ip: string;
  port: number;
  peerId?: Uint8Array;
}

/** A successful announce. */
export interface AnnounceResult {
  /** Seconds until the next regular announce. */
  interval: number;
  minInterval?: number;
  complete?: number;
  incomplete?: number;
  peers: PeerAddress[];
  warning?: string;
  trackerId?: Uint8Array;
}

/** Scrape figures for one info hash. */
export interface ScrapeResult {
  complete: number;
  incomplete: number;
  downloaded: number;
}

const utf8 = new TextDecoder();
/** Longest reply body a client reads. */
export const MAX_REPLY_BYTES = 1 << 20;

function bad(msg: string, cause?: unknown): never {
  throw new TrackerError('TRACKER_BAD_RESPONSE', msg, cause === undefined ? undefined : { cause });
}

function int(v: BValue | undefined, name: string, optional = true): number | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v === 'number' && v >= 0) return v;
  if (typeof v === 'bigint' && v >= 0n) return Number(v);
  // Trackers write -1 for a count they do not know (libtorrent reads it so): absent, not junk.
  if (optional && (typeof v === 'number' || typeof v === 'bigint')) return undefined;
  return bad(`${name} is not a non-negative integer`);
}

function decodeDict(bytes: Uint8Array): BDict {
  let v: BValue;
  try {
    v = decode(bytes, { strict: false, maxDepth: 8 });
  } catch (err) {
    return bad('reply is not valid bencode', err);
  }
  if (typeof v !== 'object' || v instanceof Uint8Array || Array.isArray(v) || v === null) return bad('reply is not a dict');
  return v as BDict;
}

function failureOf(d: BDict): void {
  const f = d['failure reason'];
  if (f !== undefined) {
    throw new TrackerError('TRACKER_FAILURE', f instanceof Uint8Array ? utf8.decode(f) : 'tracker refused');
  }
}

/**
 * Compact peers: 6 bytes (IPv4) or 18 bytes (IPv6) each. With `strict` (UDP, where the width is
 * inferred from the socket's family) a length that is not a multiple throws; otherwise (HTTP, where
 * `peers` and `peers6` name the width) a partial entry at the end is dropped and the whole ones are
 * kept, as libtorrent and Transmission do.
 */
export function parseCompactPeers(b: Uint8Array, width: 6 | 18, into: PeerAddress[] = [], strict = false): PeerAddress[] {
  if (strict && b.length % width !== 0) bad(`compact peers length ${b.length} is not a multiple of ${width}`);
  const ipLen = width - 2;
  const end = b.length - (b.length % width);
  for (let i = 0; i < end; i += width) {
    const port = (b[i + ipLen]! << 8) | b[i + ipLen + 1]!;
    if (port === 0) continue; // unusable; some trackers pad with zeros
    into.push({ ip: formatIp(b.subarray(i, i + ipLen)), port });
  }
  return into;
}

/** Parse an announce reply; a `failure reason` throws TrackerError TRACKER_FAILURE. */
export function parseAnnounceResponse(bytes: Uint8Array): AnnounceResult {
  const d = decodeDict(bytes);
  failureOf(d);
  const interval = int(d['interval'], 'interval', false)!;
  const peers: PeerAddress[] = [];
  const p = d['peers'];
  if (p instanceof Uint8Array) parseCompactPeers(p, 6, peers);
  else if (Array.isArray(p)) {
    // An entry without a usable address is skipped like a zero port in a compact list: one broken
    // entry must not cost the other peers.
    for (const e of p.slice(0, 10_000)) {
      if (typeof e !== 'object' || e === null || e instanceof Uint8Array || Array.isArray(e)) continue;
      const pd = e as BDict;
      const ip = pd['ip'];
      const port = pd['port'];
      if (!(ip instanceof Uint8Array) || ip.length === 0 || ip.length > 255) continue;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) continue;
      const peer: PeerAddress = { ip: utf8.decode(ip), port };
      const id = pd['peer id'];
      if (id instanceof Uint8Array && id.length === 20) peer.peerId = id;
      peers.push(peer);
    }
  } else if (p !== undefined) bad('peers is neither a string nor a list');
  const p6 = d['peers6'];
  if (p6 instanceof Uint8Array) parseCompactPeers(p6, 18, peers);
  else if (p6 !== undefined) bad('peers6 is not a string');
  const r: AnnounceResult = { interval, peers };
  const mi = int(d['min interval'], 'min interval');
  if (mi !== undefined) r.minInterval = mi;
  const c = int(d['complete'], 'complete');
  if (c !== undefined) r.complete = c;
  const ic = int(d['incomplete'], 'incomplete');
  if (ic !== undefined) r.incomplete = ic;
  const w = d['warning message'];
  if (w instanceof Uint8Array) r.warning = utf8.decode(w);
  const tid = d['tracker id'];
  if (tid instanceof Uint8Array) r.trackerId = tid;
  return r;
}

/** Raw bytes of a decoded dict key, as binary text (encode() turns escaped key chars back into their bytes). */
function keyBytes(key: string): string {
  const e = encode(key);
  const colon = e.indexOf(58);
  return String.fromCharCode.apply(null, e.subarray(colon + 1) as unknown as number[]);
}

/** Parse a scrape reply for the given info hashes (missing ones are zeros). */
export function parseScrapeResponse(bytes: Uint8Array, infoHashes: readonly Uint8Array[]): ScrapeResult[] {
  const d = decodeDict(bytes);
  failureOf(d);
  const files = d['files'];
  if (typeof files !== 'object' || files === null || files instanceof Uint8Array || Array.isArray(files)) bad('files is not a dict');
  const byHash = new Map<string, BValue>();
  for (const [k, v] of Object.entries(files as BDict)) byHash.set(keyBytes(k), v);
  return infoHashes.map((h) => {
    const e = byHash.get(String.fromCharCode.apply(null, h as unknown as number[]));
    if (e === undefined) return { complete: 0, incomplete: 0, downloaded: 0 };
    if (typeof e !== 'object' || e === null || e instanceof Uint8Array || Array.isArray(e)) bad('scrape entry is not a dict');
    const ed = e as BDict;
    return {
      complete: int(ed['complete'], 'complete') ?? 0,
      incomplete: int(ed['incomplete'], 'incomplete') ?? 0,
      downloaded: int(ed['downloaded'], 'downloaded') ?? 0,
    };
  });
}
