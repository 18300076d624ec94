// Hashes one filled chunk buffer: SHA-1 per v1 piece and, for v2, the SHA-256 subtree root of every
// piece (16 KiB leaves, zero-padded). Pure: the same function runs in workers and in-thread.
import type { Digests } from './digest.ts';
import { blocksRoot, HASH_SIZE } from './merkle.ts';

/** What to hash in a chunk buffer (a structured-clone-friendly subset of {@link Chunk}). */
export interface ChunkWork {
  /** Bytes of the buffer in use. */
  length: number;
  /** v1 piece length, or 0 to skip v1 hashing. */
  pieceLength: number;
  /** v2 pieces as flat triples `[at, length, width, ...]`. */
  tree: number[];
}

/** Hashes of one chunk: `sha1` is 20 bytes per piece, `roots` 32 bytes per v2 piece. */
export interface ChunkHashes {
  sha1: Uint8Array;
  roots: Uint8Array;
}

/** Hash a chunk buffer; `scratch` is reused across calls (any size; grown when too small). */
export function hashChunk(digests: Digests, buf: Uint8Array, work: ChunkWork, scratch?: { leaves: Uint8Array }): ChunkHashes {
  const { length, pieceLength, tree } = work;
  let sha1 = new Uint8Array(0);
  if (pieceLength > 0) {
    const pieces = Math.ceil(length / pieceLength);
    sha1 = new Uint8Array(pieces * 20);
    for (let p = 0; p < pieces; p++) {
      const start = p * pieceLength;
      sha1.set(digests.sha1(buf.subarray(start, Math.min(start + pieceLength, length))), p * 20);
    }
  }
  const roots = new Uint8Array((tree.length / 3) * HASH_SIZE);
  const box = scratch ?? { leaves: new Uint8Array(0) };
  for (let i = 0, t = 0; t < tree.length; i++, t += 3) {
    const at = tree[t]!, len = tree[t + 1]!, width = tree[t + 2]!;
    if (box.leaves.length < width * HASH_SIZE) box.leaves = new Uint8Array(width * HASH_SIZE);
    roots.set(blocksRoot(digests, buf.subarray(at, at + len), width, box.leaves), i * HASH_SIZE);
  }
  return { sha1, roots };
}

/** The worker-facing description of a chunk. */
export function chunkWork(chunk: { length: number; tree: ReadonlyArray<{ at: number; length: number; width: number }> }, v1PieceLength: number): ChunkWork {
  const tree: number[] = [];
  for (const t of chunk.tree) tree.push(t.at, t.length, t.width);
  return { length: chunk.length, pieceLength: v1PieceLength, tree };
}
