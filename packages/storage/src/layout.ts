// Pieces to file ranges. BEP 3 (v1): the files are concatenated and cut into equal pieces; BEP 47 pad
// files are part of that byte stream (zeros, hashed, never stored). BEP 52 (v2): every file starts on a
// piece boundary, so a piece never spans two files and the last piece of each file is short.
import { StorageError } from './errors.ts';

/** One file as the layout sees it. Paths are the torrent's components, already sanitised by the caller. */
export interface LayoutFileInput {
  /** Path components below the torrent's root directory (for a single-file torrent: `[name]`). */
  path: readonly string[];
  /** Length in bytes. */
  length: number;
  /** A BEP 47 pad file: zeros that belong to the piece stream but are never written to disk. */
  pad?: boolean;
}

/** Input to {@link createLayout}. A parsed torrent from @torrentkit/metainfo fits it. */
export interface LayoutInput {
  pieceLength: number;
  files: readonly LayoutFileInput[];
  /** 1 (default): files concatenated. 2: every file starts on a piece boundary (BEP 52). */
  version?: 1 | 2;
}

/** A file placed in the torrent's byte space. */
export interface LayoutFile {
  readonly index: number;
  readonly path: readonly string[];
  readonly length: number;
  readonly pad: boolean;
  /** Where the file starts in the torrent's byte space (v2: a multiple of the piece length). */
  readonly offset: number;
  /** First piece that holds bytes of this file, or -1 for an empty file. */
  readonly firstPiece: number;
  /** Last piece that holds bytes of this file, or -1 for an empty file. */
  readonly lastPiece: number;
}

/**
 * One contiguous run of a block inside one file. `pad` runs (v1 pad files, or the unused tail of a v2
 * piece never reached here since v2 pieces stop at the file's end) read as zeros and are not stored.
 */
export interface Span {
  file: number;
  /** Position inside the file. */
  position: number;
  length: number;
  /** Position inside the block. */
  blockOffset: number;
  pad: boolean;
}

/** The immutable mapping between pieces and files. Build it with {@link createLayout}. */
export class Layout {
  readonly pieceLength: number;
  readonly pieceCount: number;
  readonly version: 1 | 2;
  readonly files: readonly LayoutFile[];
  /** Bytes of content (pad files included for v1, the gaps between v2 files excluded). */
  readonly totalLength: number;
  // Non-empty files in offset order, with their offsets in a typed array for binary search.
  readonly #dataFiles: LayoutFile[];
  readonly #starts: Float64Array;
  readonly #end: number;

  constructor(input: LayoutInput) {
    if (typeof input !== 'object' || input === null) throw new StorageError('STORAGE_INVALID_LAYOUT', 'layout input must be an object');
    const { pieceLength, files } = input;
    const version = input.version ?? 1;
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
      throw new StorageError('STORAGE_INVALID_LAYOUT', `piece length must be a positive integer, got ${pieceLength}`);
    }
    if (version !== 1 && version !== 2) throw new StorageError('STORAGE_INVALID_LAYOUT', `unknown version ${String(version)}`);
    if (!Array.isArray(files)) throw new StorageError('STORAGE_INVALID_LAYOUT', 'layout files must be an array');
    const placed: LayoutFile[] = [];
    let cursor = 0;
    let total = 0;
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as LayoutFileInput | null | undefined;
      if (typeof f !== 'object' || f === null) throw new StorageError('STORAGE_INVALID_LAYOUT', `file ${i} is not an object`);
      // A string path would be spread into one component per character.
      if (!Array.isArray(f.path) || !f.path.every((c) => typeof c === 'string')) {
        throw new StorageError('STORAGE_INVALID_LAYOUT', `file ${i} path must be an array of strings`);
      }
      if (!Number.isSafeInteger(f.length) || f.length < 0) {
        throw new StorageError('STORAGE_INVALID_LAYOUT', `file ${i} has invalid length ${f.length}`);
      }
      const pad = f.pad === true;
      if (version === 2 && pad) {
        // v2 alignment is implicit; a hybrid torrent's explicit pad files belong to its v1 view
        throw new StorageError('STORAGE_INVALID_LAYOUT', `file ${i} is a pad file in a v2 layout (use version 1 for hybrid torrents)`);
      }
      const offset = cursor;
      const firstPiece = f.length > 0 ? Math.floor(offset / pieceLength) : -1;
      const lastPiece = f.length > 0 ? Math.floor((offset + f.length - 1) / pieceLength) : -1;
      placed.push({ index: placed.length, path: [...f.path], length: f.length, pad, offset, firstPiece, lastPiece });
      cursor += f.length;
      total += f.length;
      if (version === 2 && cursor % pieceLength !== 0) cursor += pieceLength - (cursor % pieceLength);
      if (!Number.isSafeInteger(cursor)) throw new StorageError('STORAGE_INVALID_LAYOUT', 'torrent too large');
    }
    this.pieceLength = pieceLength;
    this.version = version;
    this.files = placed;
    this.totalLength = total;
    this.#dataFiles = placed.filter((f) => f.length > 0);
    this.#starts = Float64Array.from(this.#dataFiles, (f) => f.offset);
    const last = this.#dataFiles[this.#dataFiles.length - 1];
    this.#end = last ? last.offset + last.length : 0;
    this.pieceCount = Math.ceil(this.#end / pieceLength);
  }

  /** Where piece `index` starts in the torrent's byte space. */
  pieceOffset(index: number): number {
    this.#checkPiece(index);
    return index * this.pieceLength;
  }

  /** Bytes in piece `index`: the piece length, except the last piece (v1) or a file's last piece (v2). */
  pieceSize(index: number): number {
    this.#checkPiece(index);
    const start = index * this.pieceLength;
    if (this.version === 1) return Math.min(this.pieceLength, this.#end - start);
    const f = this.#dataFiles[this.#fileAt(start)]!;
    return Math.min(this.pieceLength, f.offset + f.length - start);
  }

  /** The file that holds the first byte of piece `index` (for v2, the only file in it). */
  fileOfPiece(index: number): LayoutFile {
    this.#checkPiece(index);
    return this.#dataFiles[this.#fileAt(index * this.pieceLength)]!;
  }

  /**
   * The file runs of a block `[offset, offset + length)` of piece `piece`, in order. Throws
   * `STORAGE_BLOCK_OUT_OF_RANGE` if the block does not lie inside the piece.
   */
  spans(piece: number, offset: number, length: number): Span[] {
    const size = this.pieceSize(piece);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
      throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `block ${offset}+${length} outside piece ${piece} of ${size} bytes`);
    }
    const out: Span[] = [];
    let pos = piece * this.pieceLength + offset;
    let left = length;
    let blockOffset = 0;
    let i = this.#fileAt(pos);
    while (left > 0) {
      const f = this.#dataFiles[i++]!;
      const position = pos - f.offset;
      const n = Math.min(left, f.length - position);
      out.push({ file: f.index, position, length: n, blockOffset, pad: f.pad });
      pos += n;
      left -= n;
      blockOffset += n;
    }
    return out;
  }

  /** Pieces that hold any byte of file `index` as `[first, last]`, or undefined for an empty file. */
  piecesOfFile(index: number): [number, number] | undefined {
    const f = this.files[index];
    if (!f || f.length === 0) return undefined;
    return [f.firstPiece, f.lastPiece];
  }

  #checkPiece(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new StorageError('STORAGE_PIECE_OUT_OF_RANGE', `piece ${index} outside 0..${this.pieceCount - 1}`);
    }
  }

  // Index into #dataFiles of the file containing byte `pos` (the last file starting at or before it).
  #fileAt(pos: number): number {
    const s = this.#starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (s[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Builds the piece/file mapping of a torrent. */
export function createLayout(input: LayoutInput): Layout {
  return new Layout(input);
}

/**
 * The layout of a parsed torrent (a @torrentkit/metainfo `ParsedTorrent` fits): v2-only torrents get
 * the v2 layout; v1 and hybrid torrents the v1 one, pad files included (a hybrid's pad files make the
 * two views agree on where each file starts).
 */
export function layoutFromTorrent(torrent: {
  version: 'v1' | 'v2' | 'hybrid';
  pieceLength: number;
  files: readonly { path: readonly string[]; length: number; pad?: boolean }[];
}): Layout {
  if (typeof torrent !== 'object' || torrent === null || !Array.isArray(torrent.files)) {
    throw new StorageError('STORAGE_INVALID_LAYOUT', 'torrent must be an object with a files array');
  }
  const v2 = torrent.version === 'v2';
  return new Layout({
    version: v2 ? 2 : 1,
    pieceLength: torrent.pieceLength,
    // A malformed entry goes through as is, for the Layout constructor to refuse.
    files: torrent.files.map((f) => (typeof f === 'object' && f !== null ? { path: f.path, length: f.length, pad: f.pad === true } : f)),
  });
}
