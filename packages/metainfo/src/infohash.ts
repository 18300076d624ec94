// Info hashes (BEP 3 v1 SHA-1, BEP 52 v2 SHA-256) from the raw bytes of the `info` dict as they
// appear in the file: never from a re-encoding, which differs for non-canonical torrents.
import { defaultDigests } from './hash/digest.ts';
import { toHex } from './util/hex.ts';

// Native node:crypto where the runtime has it (Node, Deno, Bun; found without a static `node:`
// import), @noble/hashes elsewhere. Copied out so callers get a plain Uint8Array, never a Buffer.
function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(defaultDigests().sha1(data));
}
function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(defaultDigests().sha256(data));
}

/** The info hashes of one `info` dict. */
export interface InfoHashes {
  /** v1: SHA-1 of the info bytes, 20 bytes. */
  v1: Uint8Array;
  /** v2: SHA-256 of the info bytes, 32 bytes. */
  v2: Uint8Array;
}

/** SHA-1 of `infoBytes` (the v1 info hash), synchronously (native where available). */
export function infoHashV1(infoBytes: Uint8Array): Uint8Array {
  return sha1(infoBytes);
}

/** SHA-256 of `infoBytes` (the v2 info hash), synchronously (native where available). */
export function infoHashV2(infoBytes: Uint8Array): Uint8Array {
  return sha256(infoBytes);
}

/** Both info hashes of `infoBytes`, synchronously: node:crypto where present, else `@noble/hashes`. */
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
