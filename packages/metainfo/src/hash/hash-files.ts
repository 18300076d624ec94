// Piece hashing of files on disk: v1 SHA-1 pieces, BEP 52 per-file merkle trees, or both (hybrid).
import { defaultDigests, loadNobleDigests } from './digest.ts';
import { runChunks, type EngineOptions } from './engine.ts';
import { layoutFiles, type HashMode, type Layout } from './layout.ts';
import { HASH_SIZE, rootFromPieceLayer } from './merkle.ts';

/** A file to hash, in torrent order. */
export interface HashSource {
  /** Path on disk. */
  path: string;
  /** Expected length; a file that turns out shorter fails with METAINFO_FILE_CHANGED. */
  length: number;
}

/** Progress after each chunk: file bytes and pieces hashed so far. */
export interface HashProgress {
  bytes: number;
  totalBytes: number;
  pieces: number;
  totalPieces: number;
}

/** Options of {@link hashFiles}. */
export interface HashOptions extends EngineOptions {
  pieceLength: number;
  /** `'v1'` (default), `'v2'` or `'hybrid'`. */
  mode?: HashMode;
  onProgress?: (progress: HashProgress) => void;
  /** Hybrid only: pad the last file to a piece boundary too (default true; false for single-file torrents). */
  tailPad?: boolean;
}

/** BEP 52 hashes of one file (both absent for empty files). */
export interface FileHashes {
  /** `pieces root`: the file's merkle root. */
  piecesRoot?: Uint8Array;
  /** The file's piece layer (32 bytes per piece), only for files larger than one piece. */
  pieceLayer?: Uint8Array;
}

/** Result of {@link hashFiles}. */
export interface HashResult {
  layout: Layout;
  /** v1 piece hashes, 20 bytes each (empty in v2 mode). */
  pieces: Uint8Array;
  /** v2 hashes per input file (empty objects in v1 mode). */
  files: FileHashes[];
}

/**
 * Hash files for a torrent. Reads piece-aligned chunks of the concatenated files (pads included in
 * v2/hybrid layouts) on `threads` workers, each chunk reading across file boundaries as needed.
 */
export async function hashFiles(sources: readonly HashSource[], options: HashOptions): Promise<HashResult> {
  const h = await hashPieces(sources, options);
  const files: FileHashes[] = sources.map((_, i) => {
    const large = h.layers.get(i);
    if (large) return { piecesRoot: large.root, pieceLayer: large.layer };
    const piecesRoot = h.piecesRoot(i);
    return piecesRoot ? { piecesRoot } : {};
  });
  return { layout: h.layout, pieces: h.pieces, files };
}

/** {@link hashFiles}' result without an object per file (what the torrent builder reads). */
export interface PieceHashes {
  layout: Layout;
  /** v1 piece hashes, 20 bytes each (empty in v2 mode). */
  pieces: Uint8Array;
  /** Root and piece layer of each file larger than one piece (v2 and hybrid), by file index. */
  layers: Map<number, { root: Uint8Array; layer: Uint8Array }>;
  /** The `pieces root` of file `i` (undefined in v1 and for empty files); small files' roots are views of one shared buffer. */
  piecesRoot(i: number): Uint8Array | undefined;
}

/**
 * The hashing behind {@link hashFiles}. Nothing per file is made while hashing runs: objects made
 * before it would survive every collection while it runs, and V8 answers that by growing its young
 * generation (tens of MiB more peak memory on trees of many files). Layers of files larger than one
 * piece are filled in place; the roots of the other files share one buffer.
 */
export async function hashPieces(sources: readonly HashSource[], options: HashOptions): Promise<PieceHashes> {
  const mode = options.mode ?? 'v1';
  const layout = layoutFiles(sources.map((s) => s.length), options.pieceLength, mode, { tailPad: options.tailPad ?? true });
  const { pieceLength } = layout;
  const pieces = new Uint8Array(mode === 'v2' ? 0 : layout.pieceCount * 20);
  const filling = new Map<number, Uint8Array>();
  if (mode !== 'v1') {
    for (const [i, s] of sources.entries()) {
      if (s.length > pieceLength) filling.set(i, new Uint8Array(Math.ceil(s.length / pieceLength) * HASH_SIZE));
    }
  }
  const smallRoots = new Uint8Array(mode === 'v1' ? 0 : sources.length * HASH_SIZE);
  const totalPieces = mode === 'v2'
    ? sources.reduce((n, s) => n + Math.ceil(s.length / pieceLength), 0)
    : layout.pieceCount;
  const progress: HashProgress = { bytes: 0, totalBytes: layout.dataLength, pieces: 0, totalPieces };
  await runChunks(layout, sources, { ...options, lenient: false }, ({ chunk, sha1, roots }) => {
    if (sha1.length) pieces.set(sha1, chunk.firstPiece * 20);
    chunk.tree.forEach((t, i) => {
      const root = roots.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
      const layer = filling.get(t.file);
      if (layer) layer.set(root, t.piece * HASH_SIZE);
      else smallRoots.set(root, t.file * HASH_SIZE);
    });
    progress.bytes += chunk.dataBytes;
    progress.pieces += mode === 'v2' ? chunk.tree.length : chunk.pieces;
    options.onProgress?.({ ...progress });
  });
  const digests = options.implementation === 'noble' ? await loadNobleDigests() : defaultDigests();
  const layers = new Map<number, { root: Uint8Array; layer: Uint8Array }>();
  for (const [i, layer] of filling) layers.set(i, { root: rootFromPieceLayer(digests, layer, pieceLength), layer });
  const piecesRoot = (i: number): Uint8Array | undefined => {
    if (mode === 'v1' || sources[i]!.length === 0) return undefined;
    return layers.get(i)?.root ?? smallRoots.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  };
  return { layout, pieces, layers, piecesRoot };
}
