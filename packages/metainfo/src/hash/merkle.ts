// BEP 52 merkle trees: SHA-256 over 16 KiB blocks of each file. Leaves beyond the end of a file are
// 32 zero bytes, so a padded subtree's root depends only on its height; those roots are cached.
import type { Digests } from './digest-native.ts';

/** BEP 52 leaf size: every file is hashed in blocks of 16 KiB (the last block may be shorter). */
export const BLOCK_SIZE = 16384;
/** Size of a SHA-256 hash, the node size of every BEP 52 tree. */
export const HASH_SIZE = 32;

/** Smallest power of two >= n (n >= 1). */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

const padCache = new WeakMap<Digests, Uint8Array[]>();

/** Root of a subtree of `2 ** height` zero leaves (height 0 is the zero leaf itself). */
export function padRoot(digests: Digests, height: number): Uint8Array {
  let levels = padCache.get(digests);
  if (!levels) padCache.set(digests, (levels = [new Uint8Array(HASH_SIZE)]));
  while (levels.length <= height) {
    const below = levels[levels.length - 1]!;
    const pair = new Uint8Array(HASH_SIZE * 2);
    pair.set(below, 0);
    pair.set(below, HASH_SIZE);
    levels.push(Uint8Array.from(digests.sha256(pair)));
  }
  return levels[height]!;
}

/**
 * Root of a tree whose bottom layer is `nodes` (concatenated 32-byte hashes, at least one), padded
 * on the right to `width` nodes (a power of two) with roots of all-zero subtrees of `padHeight`.
 * Works in place in a scratch buffer: one allocation per call, not per node.
 */
export function merkleRoot(digests: Digests, nodes: Uint8Array, width: number, padHeight = 0): Uint8Array {
  const count = nodes.length / HASH_SIZE;
  if (count < 1 || count > width || !Number.isInteger(count)) throw new RangeError('merkleRoot: bad node count');
  if (width === 1) return nodes.slice(0, HASH_SIZE);
  // `layer` holds the current level's real (non-padding) nodes; the rest of the level is padding.
  let layer = nodes.slice();
  let real = count;
  let height = padHeight;
  const pair = new Uint8Array(HASH_SIZE * 2);
  for (let w = width; w > 1; w /= 2) {
    const pad = padRoot(digests, height);
    const next = Math.ceil(real / 2);
    for (let i = 0; i < next; i++) {
      const left = layer.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE);
      const right = 2 * i + 1 < real ? layer.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE) : pad;
      pair.set(left, 0);
      pair.set(right, HASH_SIZE);
      layer.set(digests.sha256(pair), i * HASH_SIZE);
    }
    real = next;
    height++;
  }
  return layer.slice(0, HASH_SIZE);
}

/**
 * Root of the subtree over one piece's worth of a file's data: 16 KiB leaves, the last possibly
 * short, padded with zero leaves to `width` leaves. `scratch` must hold `width * 32` bytes
 * (reused between calls so the hot loop does not allocate).
 */
export function blocksRoot(digests: Digests, data: Uint8Array, width: number, scratch: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK_SIZE));
  if (blocks > width) throw new RangeError('blocksRoot: data longer than width blocks');
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK_SIZE;
    scratch.set(digests.sha256(data.subarray(start, Math.min(start + BLOCK_SIZE, data.length))), b * HASH_SIZE);
  }
  return merkleRoot(digests, scratch.subarray(0, blocks * HASH_SIZE), width, 0);
}

/** Leaves per piece (BEP 52 requires the piece length to be a power of two >= 16 KiB). */
export function leavesPerPiece(pieceLength: number): number {
  return pieceLength / BLOCK_SIZE;
}

/**
 * A file's `pieces root` from its piece layer (files larger than one piece): the layer is padded to
 * a power of two with roots of all-zero pieces.
 */
export function rootFromPieceLayer(digests: Digests, layer: Uint8Array, pieceLength: number): Uint8Array {
  const pieces = layer.length / HASH_SIZE;
  return merkleRoot(digests, layer, nextPow2(pieces), Math.log2(leavesPerPiece(pieceLength)));
}
