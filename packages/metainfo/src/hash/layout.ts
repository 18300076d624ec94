// Where each file's bytes sit in the piece space. v1 (BEP 3): files back to back. v2 (BEP 52) and
// hybrid: every non-empty file starts on a piece boundary; in hybrids the gaps are BEP 47 pad files
// (zeros) that are part of the v1 pieces, including a pad after the last file, as libtorrent writes.
// Also plans the work: piece-aligned chunks of that space, each read and hashed as one unit.
import { BLOCK_SIZE, leavesPerPiece, nextPow2 } from './merkle.ts';

/** Which hashes to compute: v1 SHA-1 pieces, v2 SHA-256 trees, or both over a padded layout. */
export type HashMode = 'v1' | 'v2' | 'hybrid';

/** A file placed in the piece space. */
export interface PlacedFile {
  /** Index in the caller's file list. */
  index: number;
  length: number;
  /** Byte offset of the file's first byte in the piece space. */
  offset: number;
  /** Zero bytes after this file up to the next piece boundary (0 in v1 mode). */
  padAfter: number;
}

/** The piece space of a list of files. */
export interface Layout {
  mode: HashMode;
  pieceLength: number;
  files: PlacedFile[];
  /** Size of the piece space: data plus pads (for v2-only the pads are virtual). */
  length: number;
  /** Bytes of real file data (no pads). */
  dataLength: number;
  /** Number of pieces in the piece space (= v1 piece count for v1 and hybrid). */
  pieceCount: number;
}

/** Place files of the given lengths (in torrent order) in the piece space. */
export function layoutFiles(lengths: readonly number[], pieceLength: number, mode: HashMode, opts: { tailPad?: boolean } = {}): Layout {
  checkPieceLength(pieceLength, mode);
  const files: PlacedFile[] = [];
  let offset = 0;
  let dataLength = 0;
  for (let index = 0; index < lengths.length; index++) {
    const length = lengths[index]!;
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`file ${index}: bad length ${length}`);
    const rem = length % pieceLength;
    // A single-file hybrid has no file list to hold a pad, so its last piece stays short.
    const last = index === lengths.length - 1;
    const padAfter = mode !== 'v1' && rem !== 0 && (!last || opts.tailPad !== false) ? pieceLength - rem : 0;
    files.push({ index, length, offset, padAfter });
    offset += length + padAfter;
    dataLength += length;
  }
  if (!Number.isSafeInteger(offset)) throw new RangeError('total size too large');
  return { mode, pieceLength, files, length: offset, dataLength, pieceCount: Math.ceil(offset / pieceLength) };
}

/** Throws unless `pieceLength` is usable in this mode (v2 needs a power of two >= 16 KiB). */
export function checkPieceLength(pieceLength: number, mode: HashMode): void {
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) throw new RangeError(`bad piece length ${pieceLength}`);
  if (mode !== 'v1' && (pieceLength < BLOCK_SIZE || (pieceLength & (pieceLength - 1)) !== 0)) {
    throw new RangeError(`v2 piece length must be a power of two >= 16 KiB, got ${pieceLength}`);
  }
}

/** A run of file bytes copied into a chunk buffer. */
export interface Segment {
  /** Index of the file in the caller's list. */
  file: number;
  /** Offset in the file. */
  position: number;
  /** Offset in the chunk buffer. */
  at: number;
  length: number;
}

/** A v2 piece inside a chunk: its bytes in the buffer and the leaf width its subtree is padded to. */
export interface TreePiece {
  file: number;
  /** Index of the piece within its file. */
  piece: number;
  at: number;
  length: number;
  width: number;
}

/** One unit of reading and hashing: piece-aligned, so no piece straddles two chunks. */
export interface Chunk {
  /** Offset in the piece space. */
  start: number;
  /** Bytes of piece space covered (buffer size needed). */
  length: number;
  /** First v1 piece index in the chunk. */
  firstPiece: number;
  /** Number of pieces (of the piece space) in the chunk. */
  pieces: number;
  segments: Segment[];
  /** v2 pieces, in order (empty in v1 mode). */
  tree: TreePiece[];
  /** Real file bytes in the chunk (progress counts these). */
  dataBytes: number;
}

/** Chunk size for a piece length: `target` rounded down to whole pieces, at least one piece. */
export function chunkSizeFor(pieceLength: number, target = 4 * 1024 * 1024): number {
  return Math.max(1, Math.floor(target / pieceLength)) * pieceLength;
}

/**
 * Split the piece space into chunks of `chunkSize` bytes (a multiple of the piece length). Lazy,
 * so memory does not grow with the input: the caller pulls the next chunk when it has room.
 */
export function* planChunks(layout: Layout, chunkSize = chunkSizeFor(layout.pieceLength)): Generator<Chunk> {
  const { pieceLength, files, mode } = layout;
  if (chunkSize % pieceLength !== 0) throw new RangeError('chunk size must be a multiple of the piece length');
  const leaves = mode === 'v1' ? 0 : leavesPerPiece(pieceLength);
  let f = 0;
  for (let start = 0; start < layout.length; start += chunkSize) {
    const end = Math.min(start + chunkSize, layout.length);
    const chunk: Chunk = {
      start, length: end - start, firstPiece: start / pieceLength,
      pieces: Math.ceil((end - start) / pieceLength), segments: [], tree: [], dataBytes: 0,
    };
    // Skip files that end before this chunk (and empty files, which occupy no space).
    while (f < files.length && files[f]!.offset + files[f]!.length <= start) f++;
    for (let i = f; i < files.length; i++) {
      const file = files[i]!;
      if (file.offset >= end) break;
      if (file.length === 0) continue;
      const from = Math.max(start, file.offset);
      const to = Math.min(end, file.offset + file.length);
      chunk.segments.push({ file: file.index, position: from - file.offset, at: from - start, length: to - from });
      chunk.dataBytes += to - from;
      if (leaves) {
        // In v2/hybrid layouts files start on piece boundaries, and so does `from`.
        const width = file.length > pieceLength ? leaves : nextPow2(Math.ceil(file.length / BLOCK_SIZE));
        for (let p = from; p < to; p += pieceLength) {
          chunk.tree.push({
            file: file.index, piece: (p - file.offset) / pieceLength, at: p - start,
            length: Math.min(pieceLength, to - p), width,
          });
        }
      }
    }
    yield chunk;
  }
}
