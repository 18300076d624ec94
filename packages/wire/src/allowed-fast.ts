// BEP 6 allowed-fast set: the pieces a peer may request from us even while choked, derived from its
// IP address and the info hash so the set is stable across reconnects and cannot be gamed by the peer
// opening many connections from one /24.
import { sha1 } from '@noble/hashes/legacy.js';
import { WireError } from './errors.ts';

/**
 * Computes the allowed-fast set of `k` distinct piece indices for a peer, exactly as BEP 6 specifies:
 * x = (ip & 0xffffff00) ++ infoHash, then repeatedly x = SHA1(x), taking each 4-byte word of x modulo
 * `pieceCount` until `k` distinct indices are collected. With `pieceCount <= k` every piece is returned.
 *
 * `ip` is a dotted IPv4 string or 4 raw bytes. BEP 6 only defines IPv4; for an IPv6 address (16 bytes)
 * the first 48 bits are used the same way (the rest zeroed), a common convention among clients.
 */
export function allowedFastSet(ip: string | Uint8Array, infoHash: Uint8Array, pieceCount: number, k = 10): number[] {
  if (infoHash.length !== 20) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `info hash must be 20 bytes, got ${infoHash.length}`);
  }
  if (!Number.isInteger(pieceCount) || pieceCount < 0 || pieceCount > 0xffffffff) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `piece count must be an integer in [0, 2^32), got ${pieceCount}`);
  }
  if (pieceCount <= k) return Array.from({ length: pieceCount }, (_, i) => i);
  const addr = typeof ip === 'string' ? parseIPv4(ip) : ip;
  let x: Uint8Array;
  if (addr.length === 4) {
    x = new Uint8Array(24);
    x.set(addr.subarray(0, 3), 0); // last octet masked off (/24)
  } else if (addr.length === 16) {
    x = new Uint8Array(36);
    x.set(addr.subarray(0, 6), 0); // /48
  } else {
    throw new WireError('WIRE_INVALID_ARGUMENT', `ip must be 4 or 16 bytes, got ${addr.length}`);
  }
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

function parseIPv4(ip: string): Uint8Array {
  const parts = ip.split('.');
  const out = new Uint8Array(4);
  if (parts.length !== 4) throw new WireError('WIRE_INVALID_ARGUMENT', `not an IPv4 address: ${ip}`);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new WireError('WIRE_INVALID_ARGUMENT', `not an IPv4 address: ${ip}`);
    out[i] = n;
  }
  return out;
}
