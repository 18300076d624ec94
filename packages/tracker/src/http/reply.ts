// Bencoded HTTP tracker replies: announce (BEP 3, compact BEP 23, peers6 BEP 7), scrape (BEP 48),
// and failures. Keys are written in sorted (canonical) order.
import { formatIp } from '../ip.ts';
import { BWriter } from './bencode-writer.ts';

/** What an announce reply carries. */
export interface AnnounceReply {
  interval: number;
  minInterval?: number;
  complete: number;
  incomplete: number;
  /** Compact IPv4 peers (6 bytes each). */
  peers4: Uint8Array;
  /** Compact IPv6 peers (18 bytes each). */
  peers6: Uint8Array;
  /** For non-compact replies: peer ids aligned with peers4/peers6 (omit for `no_peer_id`). */
  peerIds4?: Uint8Array | undefined;
  peerIds6?: Uint8Array | undefined;
  trackerId?: Uint8Array | undefined;
  warning?: string | undefined;
}

/** Encode a compact announce reply: `peers` and `peers6` as byte strings. */
export function encodeAnnounceReply(r: AnnounceReply): Uint8Array {
  const w = new BWriter(160 + r.peers4.length + r.peers6.length);
  w.ascii('d').key('complete').int(r.complete).key('incomplete').int(r.incomplete).key('interval').int(r.interval);
  if (r.minInterval !== undefined) w.key('min interval').int(r.minInterval);
  w.key('peers').bytes(r.peers4);
  if (r.peers6.length > 0) w.key('peers6').bytes(r.peers6);
  if (r.trackerId) w.key('tracker id').bytes(r.trackerId);
  if (r.warning) w.key('warning message').text(r.warning);
  return w.ascii('e').done();
}

function peerDicts(w: BWriter, peers: Uint8Array, ids: Uint8Array | undefined, width: number): void {
  const ipLen = width - 2;
  for (let i = 0, p = 0; i < peers.length; i += width, p++) {
    w.ascii('d').key('ip').text(formatIp(peers.subarray(i, i + ipLen)));
    if (ids) w.key('peer id').bytes(ids.subarray(p * 20, p * 20 + 20));
    w.key('port').int((peers[i + ipLen]! << 8) | peers[i + ipLen + 1]!).ascii('e');
  }
}

/** Encode a non-compact announce reply (BEP 3 list of dicts; IPv6 peers are in the same list). */
export function encodeAnnounceReplyDicts(r: AnnounceReply): Uint8Array {
  const w = new BWriter(160 + (r.peers4.length / 6 + r.peers6.length / 18) * 80);
  w.ascii('d').key('complete').int(r.complete).key('incomplete').int(r.incomplete).key('interval').int(r.interval);
  if (r.minInterval !== undefined) w.key('min interval').int(r.minInterval);
  w.key('peers').ascii('l');
  peerDicts(w, r.peers4, r.peerIds4, 6);
  peerDicts(w, r.peers6, r.peerIds6, 18);
  w.ascii('e');
  if (r.trackerId) w.key('tracker id').bytes(r.trackerId);
  if (r.warning) w.key('warning message').text(r.warning);
  return w.ascii('e').done();
}

/** One scrape row. */
export interface ScrapeRow {
  infoHash: Uint8Array;
  complete: number;
  incomplete: number;
  downloaded: number;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Encode a scrape reply: `files` keyed by raw info hash, sorted, duplicates dropped. */
export function encodeScrapeReply(rows: readonly ScrapeRow[], minRequestInterval?: number): Uint8Array {
  const sorted = [...rows].sort((a, b) => compareBytes(a.infoHash, b.infoHash));
  const w = new BWriter(32 + sorted.length * 80);
  w.ascii('d').key('files').ascii('d');
  let prev: Uint8Array | undefined;
  for (const r of sorted) {
    if (prev && compareBytes(prev, r.infoHash) === 0) continue;
    prev = r.infoHash;
    w.bytes(r.infoHash).ascii('d').key('complete').int(r.complete).key('downloaded').int(r.downloaded)
      .key('incomplete').int(r.incomplete).ascii('e');
  }
  w.ascii('e');
  if (minRequestInterval !== undefined) w.key('flags').ascii('d').key('min_request_interval').int(minRequestInterval).ascii('e');
  return w.ascii('e').done();
}

/** Encode `d14:failure reason...e` (plus BEP 31 `retry in` minutes when given). */
export function encodeFailure(reason: string, retryInMinutes?: number): Uint8Array {
  const w = new BWriter(48 + reason.length * 3);
  w.ascii('d').key('failure reason').text(reason);
  if (retryInMinutes !== undefined) w.key('retry in').int(retryInMinutes);
  return w.ascii('e').done();
}
