// BEP 3 announce parameters (with BEP 7 IPv6 and BEP 23 compact) from a decoded query, validated.
import { TrackerError } from '../errors.ts';
import { parseIp } from '../ip.ts';
import type { AnnounceEvent } from '../store.ts';
import type { QueryParam } from './query.ts';

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

/** A non-negative decimal integer of at most 20 digits, or -1 when malformed. Saturates past 2^53. */
function decimal(b: Uint8Array): number {
  if (b.length === 0 || b.length > 20) return -1;
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return Math.min(v, Number.MAX_SAFE_INTEGER);
}

function fail(code: string, message: string): never {
  throw new TrackerError(code, message);
}

/** Validate announce parameters. Throws TrackerError whose message is fit for a `failure reason`. */
export function parseAnnounceParams(params: readonly QueryParam[]): AnnounceRequest {
  let infoHash: Uint8Array | undefined;
  let peerId: Uint8Array | undefined;
  let port = -1;
  let uploaded = 0, downloaded = 0, left = -1, numwant = -1;
  let event: AnnounceEvent = 'none';
  let compact = true, noPeerId = false;
  let key: Uint8Array | undefined, trackerId: Uint8Array | undefined, ip: Uint8Array | undefined;
  for (const { name, value } of params) {
    switch (name) {
      case 'info_hash':
        if (value.length !== 20) fail('TRACKER_BAD_INFO_HASH', 'info_hash must be 20 bytes');
        if (infoHash) fail('TRACKER_BAD_INFO_HASH', 'more than one info_hash');
        infoHash = value;
        break;
      case 'peer_id':
        if (value.length !== 20) fail('TRACKER_BAD_PEER_ID', 'peer_id must be 20 bytes');
        peerId = value;
        break;
      case 'port':
        port = decimal(value);
        if (port < 1 || port > 65535) fail('TRACKER_BAD_PORT', 'port must be 1..65535');
        break;
      case 'uploaded':
      case 'downloaded':
      case 'left': {
        const v = decimal(value);
        if (v < 0) fail('TRACKER_BAD_PARAM', `invalid ${name}`);
        if (name === 'uploaded') uploaded = v; else if (name === 'downloaded') downloaded = v; else left = v;
        break;
      }
      case 'event': {
        const e = latin1(value);
        if (e === 'started' || e === 'stopped' || e === 'completed') event = e;
        else if (e === '' || e === 'empty' || e === 'paused') event = 'none'; // BEP 21 paused = regular
        else fail('TRACKER_BAD_EVENT', 'invalid event');
        break;
      }
      case 'numwant':
        // Some clients send -1 for "tracker default"; huge values are capped later, junk refused.
        if (value.length === 2 && value[0] === 45 && value[1] === 49) numwant = -1;
        else if ((numwant = decimal(value)) < 0) fail('TRACKER_BAD_NUMWANT', 'invalid numwant');
        break;
      case 'compact':
        compact = !(value.length === 1 && value[0] === 48);
        break;
      case 'no_peer_id':
        noPeerId = !(value.length === 1 && value[0] === 48);
        break;
      case 'key':
        if (value.length > 64) fail('TRACKER_BAD_PARAM', 'key too long');
        key = value;
        break;
      case 'trackerid':
        if (value.length > 64) fail('TRACKER_BAD_PARAM', 'trackerid too long');
        trackerId = value;
        break;
      case 'ip':
      case 'ipv4':
      case 'ipv6': {
        if (value.length > 64) fail('TRACKER_BAD_PARAM', `${name} too long`);
        // BEP 7 allows "addr" or "[addr]:port"; only the address matters here.
        let text = latin1(value);
        const m = /^\[(.*)\](?::\d+)?$/.exec(text) ?? (name === 'ipv4' ? /^([^:]*)(?::\d+)?$/.exec(text) : null);
        if (m) text = m[1]!;
        const parsed = parseIp(text);
        if (parsed && (!ip || name === 'ip')) ip = parsed; // DNS names in `ip` are ignored
        break;
      }
      default:
        break; // unknown parameters (supportcrypto, corrupt, redundant, ...) are tolerated
    }
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
