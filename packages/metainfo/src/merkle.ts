// BEP 52 merkle trees: SHA-256 over 16 KiB blocks; a file's `pieces root` is the root of the tree
// whose layer at piece granularity is stored in `piece layers`. Used to check piece layers.
import { sha256 } from '@noble/hashes/sha2.js';

/** BEP 52 block size: the leaves of every merkle tree hash 16 KiB of data. */
export const BLOCK_SIZE = 16384;

/**
 * Root of the subtree above one piece of zero leaves: the padding hash used for the piece layer
 * past the end of a file (leaves past the end are 32 zero bytes, not hashes of zero blocks).
 */
export function padHashForPiece(pieceLength: number): Uint8Array {
  let h: Uint8Array = new Uint8Array(32);
  for (let n = pieceLength / BLOCK_SIZE; n > 1; n /= 2) h = hashPair(h, h);
  return h;
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  buf.set(a, 0);
  buf.set(b, 32);
  return sha256(buf);
}

/**
 * Merkle root over `layer` (concatenated 32-byte hashes), padding it to a power of two with
 * `pad` and every level above with the hash of two pads.
 */
export function merkleRoot(layer: Uint8Array, pad: Uint8Array): Uint8Array {
  const count = layer.length / 32;
  let nodes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) nodes.push(layer.subarray(i * 32, i * 32 + 32));
  if (count === 0) return pad;
  let padLevel = pad;
  while (nodes.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < nodes.length; i += 2) next.push(hashPair(nodes[i]!, nodes[i + 1] ?? padLevel));
    padLevel = hashPair(padLevel, padLevel);
    nodes = next;
  }
  return nodes[0]!;
}
