// BEP 52 merkle trees: SHA-256 over 16 KiB blocks; a file's `pieces root` is the root of the tree
// whose layer at piece granularity is stored in `piece layers`. Used to check piece layers.
import { fromWords, hashPairWords, toWords } from './sha256-pairs.ts';

/** BEP 52 block size: the leaves of every merkle tree hash 16 KiB of data. */
export const BLOCK_SIZE = 16384;

/**
 * Root of the subtree above one piece of zero leaves: the padding hash used for the piece layer
 * past the end of a file (leaves past the end are 32 zero bytes, not hashes of zero blocks).
 */
export function padHashForPiece(pieceLength: number): Uint8Array {
  const h = new Uint32Array(8);
  for (let n = pieceLength / BLOCK_SIZE; n > 1; n /= 2) hashPairWords(h, 0, h, 0, h, 0);
  return fromWords(h);
}

/**
 * Merkle root over `layer` (concatenated 32-byte hashes), padding it to a power of two with
 * `pad` and every level above with the hash of two pads.
 */
export function merkleRoot(layer: Uint8Array, pad: Uint8Array): Uint8Array {
  let count = layer.length >>> 5;
  if (count === 0) return pad;
  // Hash level by level in place: node i of the next level overwrites node i of this one.
  const nodes = toWords(layer);
  const padLevel = toWords(pad);
  while (count > 1) {
    const next = (count + 1) >>> 1;
    for (let i = 0; i < next; i++) {
      const l = 16 * i;
      if (2 * i + 1 < count) hashPairWords(nodes, l, nodes, l + 8, nodes, 8 * i);
      else hashPairWords(nodes, l, padLevel, 0, nodes, 8 * i);
    }
    hashPairWords(padLevel, 0, padLevel, 0, padLevel, 0);
    count = next;
  }
  return fromWords(nodes.subarray(0, 8));
}
