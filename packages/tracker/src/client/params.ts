// What a client announces, and how that becomes an HTTP query (BEP 3) — binary-safe.
import { TrackerError } from '../errors.ts';
import { percentEncode } from '../http/query.ts';
import type { AnnounceEvent } from '../store.ts';

/** One announce from a peer client. */
export interface AnnounceParams {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  /** Our listening TCP port. */
  port: number;
  uploaded?: number | bigint;
  downloaded?: number | bigint;
  /** Bytes still missing; 0 announces us as a seeder. */
  left: number | bigint;
  event?: AnnounceEvent;
  /** Peers wanted; omitted lets the tracker pick (usually 50). */
  numwant?: number;
  /** 32-bit `key` proving our identity across address changes. */
  key?: number;
  /** Value of `tracker id` from a previous reply. */
  trackerId?: Uint8Array;
}

const EVENTS = new Set<unknown>(['none', 'started', 'stopped', 'completed']);

function badParam(msg: string): never {
  throw new TrackerError('TRACKER_BAD_PARAM', msg);
}

function amount(v: number | bigint | undefined, name: string): void {
  if (v === undefined) return;
  const ok = typeof v === 'bigint' ? v >= 0n && v < 1n << 64n : Number.isSafeInteger(v) && v >= 0;
  if (!ok) badParam(`${name} must be a non-negative integer below 2^64`);
}

/** A v2 (SHA-256) info hash goes to trackers truncated to 20 bytes (BEP 52); anything else is a mistake. */
export function checkInfoHashes(hashes: readonly Uint8Array[]): void {
  for (const h of hashes) {
    if (!(h instanceof Uint8Array) || h.length !== 20) {
      badParam('an info hash must be 20 bytes (a v2 info hash is announced truncated to its first 20 bytes, BEP 52)');
    }
  }
}

/**
 * Throws TrackerError TRACKER_BAD_PARAM for parameters no request can carry: the UDP packet has
 * fixed-size fields that a wrong length or a fraction would silently corrupt.
 */
export function checkAnnounceParams(p: AnnounceParams): void {
  checkInfoHashes([p.infoHash]);
  if (!(p.peerId instanceof Uint8Array) || p.peerId.length !== 20) badParam('peer id must be 20 bytes');
  if (!Number.isInteger(p.port) || p.port < 0 || p.port > 65535) badParam('port must be an integer 0..65535');
  amount(p.uploaded, 'uploaded');
  amount(p.downloaded, 'downloaded');
  amount(p.left, 'left');
  // Over UDP an unknown event becomes a number trackers drop without a reply, so the request would
  // only end after the whole retransmission schedule.
  if (p.event !== undefined && !EVENTS.has(p.event)) badParam(`unknown event ${String(p.event)}`);
  if (p.numwant !== undefined && (!Number.isInteger(p.numwant) || p.numwant < -1 || p.numwant > 0x7fffffff)) {
    badParam('numwant must be an integer -1..2^31-1');
  }
}

/** Append announce parameters to a tracker URL (keeps any query it already has, e.g. a passkey). */
export function announceUrl(base: string, p: AnnounceParams): string {
  let q = `info_hash=${percentEncode(p.infoHash)}&peer_id=${percentEncode(p.peerId)}&port=${p.port}` +
    `&uploaded=${p.uploaded ?? 0}&downloaded=${p.downloaded ?? 0}&left=${p.left}&compact=1`;
  if (p.event && p.event !== 'none') q += `&event=${p.event}`;
  if (p.numwant !== undefined) q += `&numwant=${p.numwant}`;
  if (p.key !== undefined) q += `&key=${(p.key >>> 0).toString(16).padStart(8, '0')}`;
  if (p.trackerId) q += `&trackerid=${percentEncode(p.trackerId)}`;
  const url = withoutFragment(base);
  return url + (url.includes('?') ? '&' : '?') + q;
}

/** A fragment is never sent; parameters appended after it would be dropped with it. */
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/**
 * The scrape URL of an announce URL, or null when there is none: BEP 48's convention (the last path
 * segment starts with `announce`), and the `/announce/<passkey>` form of private trackers (this
 * package's server among them), whose scrape URL is `/scrape/<passkey>`.
 */
export function scrapeUrl(announce: string, infoHashes: readonly Uint8Array[]): string | null {
  announce = withoutFragment(announce);
  const q = announce.indexOf('?');
  const path = q < 0 ? announce : announce.slice(0, q);
  let slash = path.lastIndexOf('/');
  if (!path.slice(slash + 1).startsWith('announce')) {
    const before = path.lastIndexOf('/', slash - 1);
    if (before < 0 || path[before - 1] === '/' || path.slice(before + 1, slash) !== 'announce') return null;
    slash = before;
  }
  const base = path.slice(0, slash + 1) + 'scrape' + path.slice(slash + 1 + 'announce'.length) + (q < 0 ? '' : announce.slice(q));
  const hashes = infoHashes.map((h) => `info_hash=${percentEncode(h)}`).join('&');
  return base + (base.includes('?') ? '&' : '?') + hashes;
}
