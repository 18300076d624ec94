// How big a piece should be when the user does not say. The anchors differ: mktorrent always uses
// 256 KiB unless told (`-l 18`), libtorrent aims for a .torrent of modest size by bounding the piece
// count, and imdl scales the piece length with the content size between 16 KiB and 16 MiB. We take
// the scaling approach with a fixed, documented target so the choice is easy to predict:
//
//   the smallest power of two >= totalSize / 2048, clamped to [16 KiB, 16 MiB] (and to the
//   optional maximum),
//
// so a torrent has at most 2,048 pieces (40 KiB of v1 hashes) until the 16 MiB ceiling, which is
// reached at 32 GiB. Examples: 10 MiB -> 16 KiB, 700 MiB -> 512 KiB, 4 GiB -> 2 MiB.

/** Smallest piece length we pick or accept in v2/hybrid (BEP 52 block size). */
export const MIN_PIECE_LENGTH = 16 * 1024;
/** Largest piece length we pick automatically. */
export const MAX_PIECE_LENGTH = 16 * 1024 * 1024;
/** Piece count the automatic rule stays under (until the maximum piece length is reached). */
export const TARGET_PIECES = 2048;

/** The automatic piece length for `totalSize` bytes (see the rule above). */
export function pickPieceLength(totalSize: number, maxPieceLength = MAX_PIECE_LENGTH): number {
  const ceiling = Math.max(MIN_PIECE_LENGTH, Math.min(MAX_PIECE_LENGTH, floorPow2(maxPieceLength)));
  let length = MIN_PIECE_LENGTH;
  while (length < ceiling && length * TARGET_PIECES < totalSize) length *= 2;
  return length;
}

/** True for a power of two in [16 KiB, 16 MiB]: what we accept for an explicit piece length. */
export function isValidPieceLength(n: number): boolean {
  return Number.isSafeInteger(n) && n >= MIN_PIECE_LENGTH && n <= MAX_PIECE_LENGTH && (n & (n - 1)) === 0;
}

function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}
