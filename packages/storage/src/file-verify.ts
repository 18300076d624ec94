// Recheck of a FileStore on every core: @torrentkit/metainfo's verifier reads and hashes piece-aligned
// chunks in worker threads straight from the files (no copies through the main thread). Paths are the
// store's checked real paths, so a symlink planted in the download root cannot make the workers read
// (and so leak the hashes of) a file outside it.
import { verifyTorrent, type HashWorkers } from '@torrentkit/metainfo';
import { Bitfield } from './bitfield.ts';
import { StorageError } from './errors.ts';
import type { FileStore } from './file-store.ts';
import type { Layout } from './layout.ts';
import { resume, type ResumeRecord, type ResumeResult } from './resume.ts';
import { Storage } from './storage.ts';
import { sha1Pieces } from './hash.ts';
import { verify, type ExpectedHashes, type VerifyOptions } from './verify.ts';

/** Options for {@link verifyFiles}. */
export interface VerifyFilesOptions {
  /** Hashing threads, as metainfo counts them: 0 hashes on the calling thread. Default: one per core. */
  threads?: number;
  /**
   * Workers from metainfo's `startHashWorkers` to use (and leave open) instead of starting new
   * ones: a client that rechecks often keeps one set and pays their start-up once.
   */
  workers?: HashWorkers;
  /** Bytes each worker reads and hashes per job (a positive integer, whole pieces). Default: metainfo's (4 MiB). */
  chunkSize?: number;
  /** Pieces to check (default all); others keep their value in `into`. Small sets are hashed in-thread. */
  pieces?: Iterable<number>;
  into?: Bitfield;
  signal?: AbortSignal;
  onProgress?: (checked: number, total: number) => void;
}

/** BEP 52 hashes of a v2 layout: each file's `pieces root` and the torrent's `piece layers`. */
export interface V2Hashes {
  /** Per layout file (same index), its 32-byte pieces root; undefined for empty files. */
  piecesRoots: readonly (Uint8Array | undefined)[];
  /** Piece layers keyed by the lower-case hex of a pieces root (files larger than one piece). */
  pieceLayers: ReadonlyMap<string, Uint8Array>;
}

/**
 * Hashes the files of `store` on every core; returns the good pieces. `hashes` are the v1 piece
 * hashes (20 bytes each, v1 layouts) or the BEP 52 roots and layers (v2 layouts).
 */
export async function verifyFiles(layout: Layout, store: FileStore, hashes: Uint8Array | V2Hashes, options: VerifyFilesOptions = {}): Promise<Bitfield> {
  const v2 = !(hashes instanceof Uint8Array);
  if (v2 !== (layout.version === 2)) {
    throw new StorageError('STORAGE_INVALID_LAYOUT', `v${layout.version} layout needs ${layout.version === 2 ? 'V2Hashes' : 'v1 piece hashes'}`);
  }
  // Everything is checked before a file is examined or a worker started, with verify()'s codes.
  const count = layout.pieceCount;
  if (v2 ? !isV2Hashes(hashes) : hashes.length !== count * 20) {
    throw new StorageError('STORAGE_INVALID_LAYOUT', v2 ? 'v2 hashes need piecesRoots and pieceLayers' : `expected ${count * 20} bytes of piece hashes, got ${hashes.length}`);
  }
  const bits = options.into ?? new Bitfield(count);
  if (bits.length !== count) throw new StorageError('STORAGE_INVALID_LAYOUT', `bitfield has ${bits.length} bits, torrent ${count} pieces`);
  // threads: NaN made the verifier hash nothing and report every piece missing, without an error.
  // The rules are metainfo's, which runs the hashing: threads 0 hashes on the calling thread.
  if (options.threads !== undefined && !(Number.isSafeInteger(options.threads) && options.threads >= 0)) {
    throw new StorageError('STORAGE_INVALID_ARGUMENT', `threads must be a whole number of at least 0, got ${String(options.threads)}`);
  }
  if (options.chunkSize !== undefined && !(Number.isFinite(options.chunkSize) && options.chunkSize > 0)) {
    throw new StorageError('STORAGE_INVALID_ARGUMENT', `chunkSize must be a number of bytes above 0, got ${String(options.chunkSize)}`);
  }
  const subset = options.pieces ? [...new Set(options.pieces)] : undefined;
  for (const p of subset ?? []) {
    if (!Number.isInteger(p) || p < 0 || p >= count) throw new StorageError('STORAGE_PIECE_OUT_OF_RANGE', `piece ${p} outside 0..${count - 1}`);
  }
  // A few v1 pieces: not worth starting workers that would hash the whole torrent.
  if (!v2 && subset && subset.length * 4 < layout.pieceCount) {
    const pieces = hashes;
    const vo: VerifyOptions = { pieces: subset, into: bits, hasher: sha1Pieces };
    if (options.signal) vo.signal = options.signal;
    if (options.onProgress) vo.onProgress = options.onProgress;
    return verify(new Storage(layout, store), pieces, vo);
  }
  // A file the store cannot examine (a directory or a FIFO in its place, a file where a directory
  // should be) holds no piece data: the workers get zeros for it ('' reads as zeros, and opening a
  // FIFO would block a worker for good) and its pieces are marked bad afterwards.
  const unreadable: number[] = [];
  const paths = await Promise.all(layout.files.map((f) => (f.pad ? '' : store.realPath(f.index).catch((err: unknown) => {
    if (!(err instanceof StorageError) || err.code !== 'STORAGE_IO') throw err;
    unreadable.push(f.index);
    return '';
  }))));
  const files = layout.files.map((f) => {
    const root = v2 ? hashes.piecesRoots[f.index] : undefined;
    return root ? { path: [...f.path], length: f.length, pad: f.pad, piecesRoot: root } : { path: [...f.path], length: f.length, pad: f.pad };
  });
  const result = await verifyTorrent(
    v2
      ? { version: 'v2', name: '', pieceLength: layout.pieceLength, pieces: new Uint8Array(0), files, pieceLayers: hashes.pieceLayers }
      : { version: 'v1', name: '', pieceLength: layout.pieceLength, pieces: hashes, files },
    store.root,
    {
      resolvePath: (_f, i) => paths[i]!,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
      ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => options.onProgress?.(p.pieces, p.totalPieces),
    },
  );
  const all = new Bitfield(layout.pieceCount, result.bitfield);
  for (const i of unreadable) {
    const range = layout.piecesOfFile(i);
    if (range) for (let p = range[0]; p <= range[1]; p++) all.set(p, false);
  }
  for (const p of subset ?? range(layout.pieceCount)) bits.set(p, all.has(p));
  return bits;
}

/** {@link resume} for a FileStore, rechecking on every core. */
export function resumeFiles(
  layout: Layout,
  store: FileStore,
  pieces: Uint8Array | V2Hashes,
  record: ResumeRecord | undefined,
  options: Omit<VerifyFilesOptions, 'pieces' | 'into'> = {},
): Promise<ResumeResult> {
  // resume() only hands `expected` on to the verifier, which is verifyFiles here
  const expected: ExpectedHashes = pieces instanceof Uint8Array ? pieces : () => undefined;
  return resume(new Storage(layout, store), expected, record, {
    // the record is matched against these (v2: the roots, which `expected` does not carry)
    hashes: pieces,
    verifier: (_storage, _expected, o) => verifyFiles(layout, store, pieces, { ...options, ...(o.pieces ? { pieces: o.pieces } : {}), ...(o.into ? { into: o.into } : {}) }),
  });
}

function isV2Hashes(h: V2Hashes): boolean {
  return typeof h === 'object' && h !== null && Array.isArray(h.piecesRoots) && typeof h.pieceLayers?.get === 'function';
}

function* range(n: number): Iterable<number> {
  for (let i = 0; i < n; i++) yield i;
}
