// What a client announces, and how that becomes an HTTP query (BEP 3) — binary-safe.
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

/** Append announce parameters to a tracker URL (keeps any query it already has, e.g. a passkey). */
export function announceUrl(base: string, p: AnnounceParams): string {
  let q = `info_hash=${percentEncode(p.infoHash)}&peer_id=${percentEncode(p.peerId)}&port=${p.port}` +
    `&uploaded=${p.uploaded ?? 0}&downloaded=${p.downloaded ?? 0}&left=${p.left}&compact=1`;
  if (p.event && p.event !== 'none') q += `&event=${p.event}`;
  if (p.numwant !== undefined) q += `&numwant=${p.numwant}`;
  if (p.key !== undefined) q += `&key=${(p.key >>> 0).toString(16).padStart(8, '0')}`;
  if (p.trackerId) q += `&trackerid=${percentEncode(p.trackerId)}`;
  return base + (base.includes('?') ? '&' : '?') + q;
}

/** The scrape URL of an announce URL (BEP 48 convention), or null when there is none. */
export function scrapeUrl(announce: string, infoHashes: readonly Uint8Array[]): string | null {
  const q = announce.indexOf('?');
  const path = q < 0 ? announce : announce.slice(0, q);
  const slash = path.lastIndexOf('/');
  if (!path.slice(slash + 1).startsWith('announce')) return null;
  const base = path.slice(0, slash + 1) + 'scrape' + path.slice(slash + 1 + 'announce'.length) + (q < 0 ? '' : announce.slice(q));
  const hashes = infoHashes.map((h) => `info_hash=${percentEncode(h)}`).join('&');
  return base + (base.includes('?') ? '&' : '?') + hashes;
}
