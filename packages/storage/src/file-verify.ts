// Recheck of a FileStore on every core: @torrentkit/metainfo's verifier reads and hashes piece-aligned
// chunks in worker threads straight from the files (no copies through the main thread). Paths are the
// store's checked real paths, so a symlink planted in the download root cannot make the workers read
// (and so leak the hashes of) a file outside it.
import { verifyTorrent } from '@torrentkit/metainfo';
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
  /** Hash worker threads. Default: one per core. */
  threads?: number;
  /** Pieces to check (default all); others keep their value in `into`. Small sets are hashed in-thread. */
  pieces?: Iterable<number>;
  into?: Bitfield;
  signal?: AbortSignal;
  onProgress?: (checked: number, total: number) => void;
}

/** Hashes the files of `store` against v1 piece hashes on every core; returns the good pieces. */
export async function verifyFiles(layout: Layout, store: FileStore, pieces: Uint8Array, options: VerifyFilesOptions = {}): Promise<Bitfield> {
  if (layout.version !== 1) throw new StorageError('STORAGE_INVALID_LAYOUT', 'verifyFiles handles v1 piece hashes; use verify() with a v2 hasher');
  const bits = options.into ?? new Bitfield(layout.pieceCount);
  const subset = options.pieces ? [...new Set(options.pieces)] : undefined;
  // A few pieces: not worth starting workers that would hash the whole torrent.
  if (subset && subset.length * 4 < layout.pieceCount) {
    const vo: VerifyOptions = { pieces: subset, into: bits, hasher: sha1Pieces };
    if (options.signal) vo.signal = options.signal;
    if (options.onProgress) vo.onProgress = options.onProgress;
    return verify(new Storage(layout, store), pieces, vo);
  }
  const paths = await Promise.all(layout.files.map((f) => (f.pad ? '' : store.realPath(f.index))));
  const result = await verifyTorrent(
    { version: 'v1', name: '', pieceLength: layout.pieceLength, pieces, files: layout.files.map((f) => ({ path: [...f.path], length: f.length, pad: f.pad })) },
    store.root,
    {
      resolvePath: (_f, i) => paths[i]!,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => options.onProgress?.(p.pieces, p.totalPieces),
    },
  );
  const all = new Bitfield(layout.pieceCount, result.bitfield);
  for (const p of subset ?? range(layout.pieceCount)) bits.set(p, all.get(p));
  return bits;
}

/** {@link resume} for a FileStore, rechecking on every core. */
export function resumeFiles(
  layout: Layout,
  store: FileStore,
  pieces: Uint8Array,
  record: ResumeRecord | undefined,
  options: Omit<VerifyFilesOptions, 'pieces' | 'into'> = {},
): Promise<ResumeResult> {
  return resume(new Storage(layout, store), pieces as ExpectedHashes, record, {
    verifier: (_storage, _expected, o) => verifyFiles(layout, store, pieces, { ...options, ...(o.pieces ? { pieces: o.pieces } : {}), ...(o.into ? { into: o.into } : {}) }),
  });
}

function* range(n: number): Iterable<number> {
  for (let i = 0; i < n; i++) yield i;
}
