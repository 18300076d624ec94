// BEP 15 UDP tracker packets (connect, announce, scrape, error) and the BEP 41 option list.
// All integers are big-endian. Decoders return null for anything malformed or truncated: a UDP
// tracker drops such packets rather than answering junk.

/** The magic `protocol_id` of a connect request. */
export const PROTOCOL_ID = 0x41727101980n;
export const ACTION_CONNECT = 0;
export const ACTION_ANNOUNCE = 1;
export const ACTION_SCRAPE = 2;
export const ACTION_ERROR = 3;
/** Most info hashes in one scrape packet (BEP 15: about 74 fit in a packet). */
export const MAX_SCRAPE_HASHES = 74;

/** BEP 15 event numbers. */
const EVENTS = ['none', 'completed', 'started', 'stopped'] as const;
export type UdpEvent = (typeof EVENTS)[number];

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

export interface ConnectRequest { transactionId: number }
export interface UdpAnnounceRequest {
  connectionId: Uint8Array;
  transactionId: number;
  infoHash: Uint8Array;
  peerId: Uint8Array;
  downloaded: bigint;
  left: bigint;
  uploaded: bigint;
  event: UdpEvent;
  /** IPv4 address the client asks to be listed under (0 = the sender's address). */
  ip: number;
  key: number;
  /** Signed; -1 means the tracker's default. */
  numWant: number;
  port: number;
  /** BEP 41 URLData options concatenated (path and query of the tracker URL), or empty. */
  urlData: string;
}
export interface UdpScrapeRequest { connectionId: Uint8Array; transactionId: number; infoHashes: Uint8Array[] }

/** Any request a tracker can receive. */
export type UdpRequest =
  | ({ action: 'connect' } & ConnectRequest)
  | ({ action: 'announce' } & UdpAnnounceRequest)
  | ({ action: 'scrape' } & UdpScrapeRequest);

/** Parse BEP 41 options after an announce; returns the URL data, or null if the list is malformed. */
function parseOptions(b: Uint8Array, at: number): string | null {
  let url = '';
  while (at < b.length) {
    const type = b[at++]!;
    if (type === 0) break; // EndOfOptions
    if (type === 1) continue; // NOP
    if (at >= b.length) return null;
    const len = b[at++]!;
    if (at + len > b.length) return null;
    if (type === 2) url += String.fromCharCode.apply(null, b.subarray(at, at + len) as unknown as number[]);
    at += len; // unknown option types carry a length too (BEP 41) and are skipped
  }
  return url;
}

/** Decode a request packet; null when it is not a well-formed BEP 15 request. */
export function decodeRequest(b: Uint8Array): UdpRequest | null {
  if (b.length < 16) return null;
  const v = view(b);
  const action = v.getUint32(8);
  const transactionId = v.getUint32(12);
  if (action === ACTION_CONNECT) {
    if (v.getBigUint64(0) !== PROTOCOL_ID) return null;
    return { action: 'connect', transactionId };
  }
  const connectionId = b.subarray(0, 8);
  if (action === ACTION_ANNOUNCE) {
    if (b.length < 98) return null;
    const ev = v.getUint32(80);
    if (ev > 3) return null;
    const urlData = parseOptions(b, 98);
    if (urlData === null) return null;
    return {
      action: 'announce', connectionId, transactionId,
      infoHash: b.subarray(16, 36), peerId: b.subarray(36, 56),
      downloaded: v.getBigUint64(56), left: v.getBigUint64(64), uploaded: v.getBigUint64(72),
      event: EVENTS[ev]!, ip: v.getUint32(84), key: v.getUint32(88), numWant: v.getInt32(92), port: v.getUint16(96),
      urlData,
    };
  }
  if (action === ACTION_SCRAPE) {
    const n = (b.length - 16) / 20;
    if (n < 1 || !Number.isInteger(n) || n > MAX_SCRAPE_HASHES) return null;
    const infoHashes: Uint8Array[] = [];
    for (let i = 0; i < n; i++) infoHashes.push(b.subarray(16 + i * 20, 36 + i * 20));
    return { action: 'scrape', connectionId, transactionId, infoHashes };
  }
  return null;
}

/** Connect request (client side). */
export function encodeConnectRequest(transactionId: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = view(b);
  v.setBigUint64(0, PROTOCOL_ID);
  v.setUint32(8, ACTION_CONNECT);
  v.setUint32(12, transactionId >>> 0);
  return b;
}

/** Announce request (client side); `urlData` becomes BEP 41 URLData options. */
export function encodeAnnounceRequest(r: Omit<UdpAnnounceRequest, 'urlData'> & { urlData?: string }): Uint8Array {
  const url = r.urlData ?? '';
  const chunks = Math.ceil(url.length / 255);
  const b = new Uint8Array(98 + (url.length ? chunks * 2 + url.length + 1 : 0));
  const v = view(b);
  b.set(r.connectionId, 0);
  v.setUint32(8, ACTION_ANNOUNCE);
  v.setUint32(12, r.transactionId >>> 0);
  b.set(r.infoHash, 16);
  b.set(r.peerId, 36);
  v.setBigUint64(56, r.downloaded);
  v.setBigUint64(64, r.left);
  v.setBigUint64(72, r.uploaded);
  v.setUint32(80, EVENTS.indexOf(r.event));
  v.setUint32(84, r.ip >>> 0);
  v.setUint32(88, r.key >>> 0);
  v.setInt32(92, r.numWant | 0);
  v.setUint16(96, r.port);
  let at = 98;
  for (let i = 0; i < url.length; i += 255) {
    const part = url.slice(i, i + 255);
    b[at++] = 2;
    b[at++] = part.length;
    for (let j = 0; j < part.length; j++) b[at++] = part.charCodeAt(j) & 255;
  }
  if (url.length) b[at++] = 0;
  return b;
}

/** Scrape request (client side). */
export function encodeScrapeRequest(connectionId: Uint8Array, transactionId: number, infoHashes: readonly Uint8Array[]): Uint8Array {
  const b = new Uint8Array(16 + infoHashes.length * 20);
  const v = view(b);
  b.set(connectionId, 0);
  v.setUint32(8, ACTION_SCRAPE);
  v.setUint32(12, transactionId >>> 0);
  infoHashes.forEach((h, i) => b.set(h, 16 + i * 20));
  return b;
}

/** Connect response: action, transaction id, 8-byte connection id. */
export function encodeConnectResponse(transactionId: number, connectionId: Uint8Array): Uint8Array {
  const b = new Uint8Array(16);
  const v = view(b);
  v.setUint32(0, ACTION_CONNECT);
  v.setUint32(4, transactionId >>> 0);
  b.set(connectionId, 8);
  return b;
}

/** Announce response; `peers` is compact 6-byte (IPv4) or 18-byte (IPv6) entries, per the request's family. */
export function encodeAnnounceResponse(transactionId: number, interval: number, leechers: number, seeders: number, peers: Uint8Array): Uint8Array {
  const b = new Uint8Array(20 + peers.length);
  const v = view(b);
  v.setUint32(0, ACTION_ANNOUNCE);
  v.setUint32(4, transactionId >>> 0);
  v.setUint32(8, interval >>> 0);
  v.setUint32(12, Math.min(leechers, 0xffffffff));
  v.setUint32(16, Math.min(seeders, 0xffffffff));
  b.set(peers, 20);
  return b;
}

/** Scrape response: seeders, completed, leechers per info hash. */
export function encodeScrapeResponse(transactionId: number, rows: readonly { complete: number; downloaded: number; incomplete: number }[]): Uint8Array {
  const b = new Uint8Array(8 + rows.length * 12);
  const v = view(b);
  v.setUint32(0, ACTION_SCRAPE);
  v.setUint32(4, transactionId >>> 0);
  rows.forEach((r, i) => {
    v.setUint32(8 + i * 12, Math.min(r.complete, 0xffffffff));
    v.setUint32(12 + i * 12, Math.min(r.downloaded, 0xffffffff));
    v.setUint32(16 + i * 12, Math.min(r.incomplete, 0xffffffff));
  });
  return b;
}

/** Error response with a UTF-8 message. */
export function encodeErrorResponse(transactionId: number, message: string): Uint8Array {
  const text = new TextEncoder().encode(message);
  const b = new Uint8Array(8 + text.length);
  const v = view(b);
  v.setUint32(0, ACTION_ERROR);
  v.setUint32(4, transactionId >>> 0);
  b.set(text, 8);
  return b;
}

/** A response as the client sees it. */
export type UdpResponse =
  | { action: 'connect'; transactionId: number; connectionId: Uint8Array }
  | { action: 'announce'; transactionId: number; interval: number; leechers: number; seeders: number; peers: Uint8Array }
  | { action: 'scrape'; transactionId: number; rows: { complete: number; downloaded: number; incomplete: number }[] }
  | { action: 'error'; transactionId: number; message: string };

/** Decode a response (client side); null when malformed. Announce `peers` is left raw (family known to the caller). */
export function decodeResponse(b: Uint8Array): UdpResponse | null {
  if (b.length < 8) return null;
  const v = view(b);
  const action = v.getUint32(0);
  const transactionId = v.getUint32(4);
  switch (action) {
    case ACTION_CONNECT:
      return b.length >= 16 ? { action: 'connect', transactionId, connectionId: b.slice(8, 16) } : null;
    case ACTION_ANNOUNCE:
      if (b.length < 20) return null;
      return { action: 'announce', transactionId, interval: v.getUint32(8), leechers: v.getUint32(12), seeders: v.getUint32(16), peers: b.slice(20) };
    case ACTION_SCRAPE: {
      if ((b.length - 8) % 12 !== 0) return null;
      const rows = [];
      for (let at = 8; at < b.length; at += 12) rows.push({ complete: v.getUint32(at), downloaded: v.getUint32(at + 4), incomplete: v.getUint32(at + 8) });
      return { action: 'scrape', transactionId, rows };
    }
    case ACTION_ERROR:
      return { action: 'error', transactionId, message: new TextDecoder().decode(b.subarray(8)) };
    default:
      return null;
  }
}
