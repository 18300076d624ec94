// BEP 6 allowed-fast set: the pieces a peer may request from us even while choked, derived from its
// IP address and the info hash so the set is stable across reconnects and cannot be gamed by the peer
// opening many connections from one /24.
import { sha1 } from '@noble/hashes/legacy.js';
import { parseIp, unmapIPv4 } from './compact.ts';
import { WireError } from './errors.ts';

/**
 * Computes the allowed-fast set of `k` distinct piece indices for a peer, exactly as BEP 6 specifies:
 * x = (ip & 0xffffff00) ++ infoHash, then repeatedly x = SHA1(x), taking each 4-byte word of x modulo
 * `pieceCount` until `k` distinct indices are collected. With `pieceCount <= k` every piece is returned.
 *
 * `ip` is a string (dotted IPv4, IPv6, with or without a zone id, as `socket.remoteAddress` gives it)
 * or 4 / 16 raw bytes. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, which a dual-stack listener
 * reports for IPv4 peers) is its IPv4 address. BEP 6 defines the set for IPv4 only; for a real IPv6
 * address the first 48 bits stand in for the /24 (the rest zeroed, x is 16 + 20 bytes), so that one
 * site's addresses share one set as BEP 6 intends. libtorrent hashes all 16 bytes instead, which
 * would give a host with a /64 a fresh set per address; the set is only ever computed by the side
 * granting it, so the choice does not affect interoperability. Throws `WIRE_INVALID_ARGUMENT` for
 * an address that does not parse, a bad info hash or piece count, or a `k` that is not a
 * non-negative integer.
 */
export function allowedFastSet(ip: string | Uint8Array, infoHash: Uint8Array, pieceCount: number, k = 10): number[] {
  if (infoHash.length !== 20) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `info hash must be 20 bytes, got ${infoHash.length}`);
  }
  if (!Number.isInteger(pieceCount) || pieceCount < 0 || pieceCount > 0xffffffff) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `piece count must be an integer in [0, 2^32), got ${pieceCount}`);
  }
  if (!Number.isSafeInteger(k) || k < 0) throw new WireError('WIRE_INVALID_ARGUMENT', `k must be a non-negative integer, got ${k}`);
  const addr = allowedFastAddress(ip);
  if (pieceCount <= k) return Array.from({ length: pieceCount }, (_, i) => i);
  let x: Uint8Array = new Uint8Array(addr.length + 20);
  // The network part only: the /24 for IPv4, the /48 for IPv6.
  x.set(addr.subarray(0, addr.length === 4 ? 3 : 6), 0);
  x.set(infoHash, addr.length);
  const out: number[] = [];
  const seen = new Set<number>();
  while (out.length < k) {
    x = sha1(x);
    for (let i = 0; i < 5 && out.length < k; i++) {
      const j = i * 4;
      const y = ((x[j]! << 24) | (x[j + 1]! << 16) | (x[j + 2]! << 8) | x[j + 3]!) >>> 0;
      const index = y % pieceCount;
      if (!seen.has(index)) {
        seen.add(index);
        out.push(index);
      }
    }
  }
  return out;
}

/**
 * @internal The 4 (IPv4, also for an IPv4-mapped address) or 16 address bytes `allowedFastSet` hashes.
 * Throws `WIRE_INVALID_ARGUMENT` for anything else, so a session can check its option up front.
 */
export function allowedFastAddress(ip: string | Uint8Array): Uint8Array {
  if (typeof ip === 'string') {
    const zone = ip.indexOf('%'); // a link-local address's zone id names our interface, not the peer
    return parseIp(zone >= 0 && ip.includes(':') ? ip.slice(0, zone) : ip);
  }
  if (ip.length !== 4 && ip.length !== 16) throw new WireError('WIRE_INVALID_ARGUMENT', `ip must be 4 or 16 bytes, got ${ip.length}`);
  return unmapIPv4(ip);
}
