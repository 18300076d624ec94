// Hashes one chunk: SHA-1 per v1 piece and, for v2, the SHA-256 subtree root of every piece
// (16 KiB leaves, zero-padded). The chunk is pulled through a small window (128 KiB to 1 MiB): each
// slice is read and hashed at once while it is still in the CPU cache. Reading a whole 4 MiB chunk first
// and hashing it after costs about three times the kernel copy time and a second trip to memory.
// Pure: the bytes come from a callback, so the same code runs in workers, in-thread and in tests.
import type { Digests, HashStream } from './digest-native.ts';
import { BLOCK_SIZE, HASH_SIZE, merkleRoot } from './merkle.ts';

/** What to hash in a chunk (a structured-clone-friendly subset of {@link Chunk}). */
export interface ChunkWork {
  /** Bytes of piece space in the chunk. */
  length: number;
  /** v1 piece length, or 0 to skip v1 hashing. */
  pieceLength: number;
  /** v2 pieces as flat triples `[at, length, width, ...]`, in increasing `at`. */
  tree: number[];
}

/** Hashes of one chunk: `sha1` is 20 bytes per piece, `roots` 32 bytes per v2 piece. */
export interface ChunkHashes {
  sha1: Uint8Array;
  roots: Uint8Array;
}

/** Fills `into` with the chunk's bytes `[from, from + into.length)`. */
export type ChunkSource = (into: Uint8Array, from: number) => void;

/** Reusable buffers for {@link hashChunkFrom} (one per thread). */
export interface HashScratch {
  window: Uint8Array;
  leaves: Uint8Array;
  /** Size the window per job from the piece length (see {@link windowFor}); false keeps it fixed. */
  auto?: boolean;
}

/** Smallest window: a multiple of the 16 KiB block, small enough to stay in L2 cache. */
export const WINDOW_SIZE = 128 * 1024;
/** Largest window a whole piece may take (the L2 cache of one core, on common CPUs). */
export const MAX_WINDOW_SIZE = 1024 * 1024;

/**
 * Window for a piece length: whole pieces whenever they fit, so each piece is hashed in one call
 * (an incremental hash per piece costs a native hash object each, which adds up on torrents of
 * many small pieces), else the largest window.
 */
export function windowFor(pieceLength: number): number {
  if (pieceLength > MAX_WINDOW_SIZE) return MAX_WINDOW_SIZE;
  if (pieceLength <= WINDOW_SIZE || pieceLength % BLOCK_SIZE !== 0) return WINDOW_SIZE;
  return pieceLength;
}

/** Scratch buffers; without `windowSize` the window follows each job's piece length. */
export function hashScratch(windowSize?: number): HashScratch {
  if (windowSize === undefined) return { window: pageAlignedBytes(WINDOW_SIZE), leaves: new Uint8Array(0), auto: true };
  if (windowSize % BLOCK_SIZE !== 0 || windowSize <= 0) throw new RangeError('window size must be a multiple of 16 KiB');
  return { window: pageAlignedBytes(windowSize), leaves: new Uint8Array(0) };
}

/**
 * Zeroed bytes that start on a page boundary. A file read copies from page-aligned page-cache
 * pages; into a buffer 16 bytes past a page boundary (where malloc puts large blocks) the copy
 * runs about four times slower on x86 (loads and stores alias within 4 KiB), and which alignment
 * an ArrayBuffer gets is the allocator's choice. WebAssembly memory always starts on a page.
 */
export function pageAlignedBytes(size: number): Uint8Array {
  const WASM_PAGE = 65536;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(size / WASM_PAGE) });
    return new Uint8Array(memory.buffer, 0, size);
  } catch {
    return new Uint8Array(size); // no WebAssembly, or no address space left for it
  }
}

/** Hash a chunk whose bytes come from `source`, one window at a time. */
export function hashChunkFrom(digests: Digests, work: ChunkWork, source: ChunkSource, scratch: HashScratch): ChunkHashes {
  const { length, pieceLength: pl, tree } = work;
  const pieces = pl > 0 ? Math.ceil(length / pl) : 0;
  const sha1 = new Uint8Array(pieces * 20);
  const roots = new Uint8Array((tree.length / 3) * HASH_SIZE);
  if (scratch.auto) {
    const size = windowFor(pl);
    if (scratch.window.length !== size) scratch.window = pageAlignedBytes(size);
  }
  const W = scratch.window.length;
  let stream: HashStream | undefined;
  let t = 0; // next v2 piece (index into tree triples / 3)
  let leaf = 0; // leaves done in that piece
  for (let from = 0; from < length; from += W) {
    const to = Math.min(from + W, length);
    const view = scratch.window.subarray(0, to - from);
    source(view, from);
    // v1: whole pieces inside the window in one call; pieces crossing windows incrementally.
    for (let pos = from; pl > 0 && pos < to;) {
      const p = Math.floor(pos / pl);
      const pieceStart = p * pl;
      const pieceEnd = Math.min(pieceStart + pl, length);
      const end = Math.min(pieceEnd, to);
      const slice = view.subarray(pos - from, end - from);
      if (pos === pieceStart && end === pieceEnd) sha1.set(digests.sha1(slice), p * 20);
      else {
        stream ??= digests.sha1Stream();
        stream.update(slice);
        if (end === pieceEnd) {
          sha1.set(stream.digest(), p * 20);
          stream = undefined;
        }
      }
      pos = end;
    }
    // v2: leaves of the pieces in this window. Pieces start on 16 KiB boundaries and the window
    // is a multiple of 16 KiB, so no block straddles two windows.
    while (t * 3 < tree.length) {
      const at = tree[t * 3]!, len = tree[t * 3 + 1]!, width = tree[t * 3 + 2]!;
      if (at >= to) break;
      if (scratch.leaves.length < width * HASH_SIZE) {
        const grown = new Uint8Array(width * HASH_SIZE);
        grown.set(scratch.leaves.subarray(0, leaf * HASH_SIZE));
        scratch.leaves = grown;
      }
      const end = at + len;
      let b = at + leaf * BLOCK_SIZE;
      for (; b < end && b < to; b += BLOCK_SIZE, leaf++) {
        const blockEnd = Math.min(b + BLOCK_SIZE, end);
        scratch.leaves.set(digests.sha256(view.subarray(b - from, blockEnd - from)), leaf * HASH_SIZE);
      }
      if (b < end) break; // piece continues in the next window
      roots.set(merkleRoot(digests, scratch.leaves.subarray(0, leaf * HASH_SIZE), width), t * HASH_SIZE);
      t++;
      leaf = 0;
    }
  }
  return { sha1, roots };
}

/** Hash a chunk that is already in memory. */
export function hashChunk(digests: Digests, buf: Uint8Array, work: ChunkWork, scratch: HashScratch = hashScratch()): ChunkHashes {
  return hashChunkFrom(digests, work, (into, from) => into.set(buf.subarray(from, from + into.length)), scratch);
}

/** The worker-facing description of a chunk. */
export function chunkWork(chunk: { length: number; tree: ReadonlyArray<{ at: number; length: number; width: number }> }, v1PieceLength: number): ChunkWork {
  const tree: number[] = [];
  for (const t of chunk.tree) tree.push(t.at, t.length, t.width);
  return { length: chunk.length, pieceLength: v1PieceLength, tree };
}
