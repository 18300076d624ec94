// Compact peer addresses (BEP 23 style, used by BEP 11 ut_pex): 4-byte IPv4 or 16-byte IPv6 address
// followed by a 2-byte big-endian port.
import { WireError } from './errors.ts';

/** A peer address. `host` is a dotted IPv4 or an RFC 5952 IPv6 string. */
export interface PeerAddress {
  host: string;
  port: number;
}

/** Formats 4 or 16 address bytes as a string. */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) throw new WireError('WIRE_INVALID_ARGUMENT', `address must be 4 or 16 bytes, got ${b.length}`);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * Parses a dotted IPv4 or an IPv6 string (no zone id; brackets and a trailing dotted quad such as
 * `64:ff9b::1.2.3.4` allowed) into 4 or 16 bytes. An IPv4-mapped address (`::ffff:1.2.3.4`, or
 * `::ffff:102:304`) is the IPv4 peer it stands for and comes back as its 4 bytes: a dual-stack
 * listener reports IPv4 peers that way.
 */
export function parseIp(host: string): Uint8Array {
  const v4 = parseIPv4(host);
  if (v4) return v4;
  const v6 = host.includes(':') ? parseIPv6(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host) : undefined;
  if (v6) return unmapIPv4(v6);
  throw new WireError('WIRE_INVALID_ARGUMENT', `not an IP address: ${host}`);
}

/** The 4 IPv4 bytes of an IPv4-mapped IPv6 address (::ffff:0:0/96); any other address unchanged. */
export function unmapIPv4(b: Uint8Array): Uint8Array {
  if (b.length !== 16 || b[10] !== 0xff || b[11] !== 0xff) return b;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return b;
  return b.slice(12);
}

function parseIPv4(s: string): Uint8Array | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return undefined;
  const parts = s.split('.').map(Number);
  return parts.every((n) => n <= 255) ? Uint8Array.from(parts) : undefined;
}

function parseIPv6(h: string): Uint8Array | undefined {
  // RFC 4291 2.2: the last 32 bits may be written as a dotted quad.
  const quad: number[] = [];
  const lastColon = h.lastIndexOf(':');
  if (h.includes('.', lastColon)) {
    const b = parseIPv4(h.slice(lastColon + 1));
    if (!b) return undefined;
    quad.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
    h = h.slice(0, lastColon);
    if (h.endsWith(':')) h += ':'; // '::1.2.3.4' keeps its '::'
  }
  const halves = h.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  (halves.length === 2 ? tail : head).push(...quad);
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 2 ? fill < 1 : fill !== 0) || [...head, ...tail].some(Number.isNaN)) return undefined;
  const out = new Uint8Array(16);
  [...head, ...new Array<number>(fill).fill(0), ...tail].forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * Encodes peers of one family (`size` 6 for IPv4, 18 for IPv6) as a compact string. In an IPv6 list
 * an IPv4 peer is written IPv4-mapped; an IPv6 peer in an IPv4 list throws.
 */
export function encodeCompactPeers(peers: readonly PeerAddress[], family: 4 | 6): Uint8Array {
  const alen = family === 4 ? 4 : 16;
  const out = new Uint8Array(peers.length * (alen + 2));
  peers.forEach((p, i) => {
    let ip = parseIp(p.host);
    if (ip.length === 4 && family === 6) ip = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip);
    if (ip.length !== alen) throw new WireError('WIRE_INVALID_ARGUMENT', `${p.host} is not IPv${family}`);
    if (!Number.isInteger(p.port) || p.port < 0 || p.port > 0xffff) throw new WireError('WIRE_INVALID_ARGUMENT', `bad port ${p.port}`);
    const o = i * (alen + 2);
    out.set(ip, o);
    out[o + alen] = p.port >>> 8;
    out[o + alen + 1] = p.port & 0xff;
  });
  return out;
}

/** Decodes a compact peer string; a trailing partial entry is an error. */
export function decodeCompactPeers(b: Uint8Array, family: 4 | 6): PeerAddress[] {
  const alen = family === 4 ? 4 : 16;
  const size = alen + 2;
  if (b.length % size !== 0) {
    throw new WireError('WIRE_BAD_EXTENSION', `compact IPv${family} peers: ${b.length} bytes is not a multiple of ${size}`);
  }
  const out: PeerAddress[] = [];
  for (let o = 0; o < b.length; o += size) {
    out.push({ host: formatIp(b.subarray(o, o + alen)), port: (b[o + alen]! << 8) | b[o + alen + 1]! });
  }
  return out;
}
