// Info hashes (BEP 3 v1 SHA-1, BEP 52 v2 SHA-256) from the raw bytes of the `info` dict as they
// appear in the file: never from a re-encoding, which differs for non-canonical torrents.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from './util/hex.ts';

/** The info hashes of one `info` dict. */
export interface InfoHashes {
  /** v1: SHA-1 of the info bytes, 20 bytes. */
  v1: Uint8Array;
  /** v2: SHA-256 of the info bytes, 32 bytes. */
  v2: Uint8Array;
}

/** SHA-1 of `infoBytes` (the v1 info hash), synchronously. */
export function infoHashV1(infoBytes: Uint8Array): Uint8Array {
  return sha1(infoBytes);
}

/** SHA-256 of `infoBytes` (the v2 info hash), synchronously. */
export function infoHashV2(infoBytes: Uint8Array): Uint8Array {
  return sha256(infoBytes);
}

/** Both info hashes of `infoBytes`, synchronously (pure JS, `@noble/hashes`). */
export function infoHashes(infoBytes: Uint8Array): InfoHashes {
  return { v1: sha1(infoBytes), v2: sha256(infoBytes) };
}

/**
 * Both info hashes of `infoBytes` with the runtime's native WebCrypto (`crypto.subtle`), which is
 * faster on large info dicts; falls back to {@link infoHashes} where WebCrypto is missing.
 */
export async function infoHashesAsync(infoBytes: Uint8Array): Promise<InfoHashes> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return infoHashes(infoBytes);
  // Copy into a plain ArrayBuffer: subtle.digest rejects views of SharedArrayBuffer.
  const data = infoBytes.slice();
  const [v1, v2] = await Promise.all([subtle.digest('SHA-1', data), subtle.digest('SHA-256', data)]);
  return { v1: new Uint8Array(v1), v2: new Uint8Array(v2) };
}

/**
 * The v2 info hash truncated to 20 bytes, as trackers, the DHT and the peer handshake use it
 * for v2 torrents (BEP 52).
 */
export function truncateInfoHash(v2: Uint8Array): Uint8Array {
  return v2.subarray(0, 20);
}

/** Lower-case hex of the truncated (20-byte) v2 info hash, given the full 64-char hex. */
export function truncatedHex(v2Hex: string): string {
  return v2Hex.slice(0, 40);
}

export { toHex };
