// Piece hashing used by verify when the caller brings no hasher of its own. Web Crypto runs on every
// runtime (Node, Deno and Bun hand digests to a thread pool, so several run at once on several cores).
// For hashing across all cores in workers, pass @torrentkit/metainfo's hasher to `verify`.

/**
 * Hashes each input; returns one digest per input, in order. The inputs may be views into a larger
 * buffer that is reused once the promise settles.
 */
export type PieceHasher = (pieces: readonly Uint8Array[]) => Promise<Uint8Array[]>;

/** A {@link PieceHasher} for SHA-1 (v1 pieces) on `crypto.subtle`. */
export const sha1Pieces: PieceHasher = (pieces) =>
  Promise.all(pieces.map(async (p) => new Uint8Array(await crypto.subtle.digest('SHA-1', p as Uint8Array<ArrayBuffer>))));

/** Constant-time-enough equality for two digests (they are public data, so plain comparison is fine). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
