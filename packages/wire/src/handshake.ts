// BEP 3 handshake: <pstrlen=19><"BitTorrent protocol"><8 reserved bytes><20-byte info hash><20-byte peer id>.
// BEP 52: a v2 info hash (32-byte SHA-256) is truncated to its first 20 bytes in the handshake.
import { WireError } from './errors.ts';
import type { Handshake } from './messages.ts';
import { encodeReserved, type Features } from './reserved.ts';

/** The protocol string, as bytes. */
export const PROTOCOL = /* @__PURE__ */ new TextEncoder().encode('BitTorrent protocol');
/** Length of a handshake in bytes. */
export const HANDSHAKE_LENGTH = 68;

/** What {@link encodeHandshake} needs. */
export interface HandshakeInit {
  /** 20 bytes (v1) or 32 bytes (v2, truncated to 20 on the wire). */
  infoHash: Uint8Array;
  /** Exactly 20 bytes. */
  peerId: Uint8Array;
  /** Either ready-made reserved bytes (8) or feature flags. Default: no features. */
  reserved?: Uint8Array | Features;
}

/** Returns the 20 bytes that identify a torrent in the handshake: a v1 hash as is, a v2 hash truncated. */
export function handshakeInfoHash(infoHash: Uint8Array): Uint8Array {
  if (infoHash.length === 20) return infoHash;
  if (infoHash.length === 32) return infoHash.subarray(0, 20);
  throw new WireError('WIRE_INVALID_ARGUMENT', `info hash must be 20 or 32 bytes, got ${infoHash.length}`);
}

/** Encodes the 68-byte handshake. */
export function encodeHandshake(init: HandshakeInit): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  writeHandshake(out, 0, init);
  return out;
}

/** @internal Writes a handshake into `out` at `offset`. */
export function writeHandshake(out: Uint8Array, offset: number, init: HandshakeInit): void {
  if (init.peerId.length !== 20) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `peer id must be 20 bytes, got ${init.peerId.length}`);
  }
  const reserved = init.reserved instanceof Uint8Array ? init.reserved : encodeReserved(init.reserved ?? {});
  if (reserved.length !== 8) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `reserved must be 8 bytes, got ${reserved.length}`);
  }
  out[offset] = 19;
  out.set(PROTOCOL, offset + 1);
  out.set(reserved, offset + 20);
  out.set(handshakeInfoHash(init.infoHash), offset + 28);
  out.set(init.peerId, offset + 48);
}

/**
 * Decodes a complete 68-byte handshake (trailing bytes are ignored). The returned fields are views
 * into `bytes`. Throws `WIRE_BAD_PROTOCOL` for a foreign protocol, `WIRE_BAD_LENGTH` if too short.
 */
export function decodeHandshake(bytes: Uint8Array): Handshake {
  checkProtocolPrefix(bytes, bytes.length, 0);
  if (bytes.length < HANDSHAKE_LENGTH) {
    throw new WireError('WIRE_BAD_LENGTH', `handshake needs ${HANDSHAKE_LENGTH} bytes, got ${bytes.length}`, bytes.length);
  }
  return {
    type: 'handshake',
    reserved: bytes.subarray(20, 28),
    infoHash: bytes.subarray(28, 48),
    peerId: bytes.subarray(48, 68),
  };
}

/**
 * @internal Checks the first `n` bytes of a handshake against `\x13BitTorrent protocol`, so a foreign
 * protocol fails at its first wrong byte instead of after 68. `base` is the stream offset for errors.
 */
export function checkProtocolPrefix(bytes: Uint8Array, n: number, base: number): void {
  const end = Math.min(n, 20);
  for (let i = 0; i < end; i++) {
    const want = i === 0 ? 19 : PROTOCOL[i - 1];
    if (bytes[i] !== want) {
      throw new WireError('WIRE_BAD_PROTOCOL', 'not a BitTorrent handshake', base + i);
    }
  }
}
