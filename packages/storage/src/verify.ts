// Recheck: read the data a store already holds, hash every piece and report which pieces are good.
// Reads run ahead of hashing by one batch so disk and CPU overlap; memory stays at two batches.
import { pageAlignedBytes } from '@torrentkit/metainfo';
import { Bitfield } from './bitfield.ts';
import { StorageError } from './errors.ts';
import { equalBytes, sha1Pieces, type PieceHasher } from './hash.ts';
import type { Storage } from './storage.ts';

/** Options for {@link verify}. */
export interface VerifyOptions {
  /** Pieces to check (default: all). Pieces not listed keep the value they have in `into`. */
  pieces?: Iterable<number>;
  /** Bitfield to update (default: a new, empty one). */
  into?: Bitfield;
  /** Hashes a batch of pieces; default SHA-1 on Web Crypto. Pass metainfo's worker hasher for all cores. */
  hasher?: PieceHasher;
  /** Bytes read per batch: a positive number (default 16 MiB; at least one piece, at most all). */
  batchBytes?: number;
  /** Called after each batch with the number of pieces checked so far. */
  onProgress?: (checked: number, total: number) => void;
  /** Stops the recheck early; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * The expected hash of each piece: v1 `pieces` (20 bytes per piece, concatenated) or a function that
 * returns the expected digest of piece `i` (for v2 piece layers, together with a matching hasher).
 */
export type ExpectedHashes = Uint8Array | ((piece: number) => Uint8Array | undefined);

/**
 * Hashes the stored data of the selected pieces and returns a bitfield of those that match. A piece
 * with bytes missing from the store (file absent or short, or unreadable) is never good, whatever
 * its hash.
 */
export async function verify(storage: Storage, expected: ExpectedHashes, options: VerifyOptions = {}): Promise<Bitfield> {
  const { layout } = storage;
  const count = layout.pieceCount;
  const want = typeof expected === 'function' ? expected : v1Expected(expected, count);
  const bits = options.into ?? new Bitfield(count);
  if (bits.length !== count) throw new StorageError('STORAGE_INVALID_LAYOUT', `bitfield has ${bits.length} bits, torrent ${count} pieces`);
  const hasher = options.hasher ?? sha1Pieces;
  const list = options.pieces ? [...new Set(options.pieces)].sort((a, b) => a - b) : undefined;
  const total = list ? list.length : count;
  const pieceAt = (k: number): number => (list ? list[k]! : k);
  // NaN would make every batch empty (nothing hashed, nothing reported), Infinity a buffer that cannot
  // be allocated: a batch never holds more than the pieces to check.
  if (options.batchBytes !== undefined && !(typeof options.batchBytes === 'number' && options.batchBytes > 0)) {
    throw new StorageError('STORAGE_INVALID_ARGUMENT', `batchBytes must be a positive number, got ${String(options.batchBytes)}`);
  }
  const batchBytes = Math.max(options.batchBytes ?? 16 * 1024 * 1024, layout.pieceLength);
  const perBatch = Math.max(1, Math.min(total, Math.floor(batchBytes / layout.pieceLength)));
  // Two buffers: one being hashed, the next being read. Page-aligned: file reads into a buffer
  // 16 bytes past a page boundary (where malloc puts large blocks) copy ~4x slower on x86.
  const buffers = [pageAlignedBytes(perBatch * layout.pieceLength), pageAlignedBytes(perBatch * layout.pieceLength)];

  const readBatch = async (start: number, buf: Uint8Array): Promise<{ pieces: number[]; views: Uint8Array[]; present: boolean[] }> => {
    const pieces: number[] = [];
    const views: Uint8Array[] = [];
    let at = 0;
    for (let k = start; k < Math.min(total, start + perBatch); k++) {
      const p = pieceAt(k);
      const size = layout.pieceSize(p);
      const view = buf.subarray(at, at + size);
      pieces.push(p);
      views.push(view);
      at += size;
    }
    const present = await Promise.all(pieces.map((p, i) => storage.readPresent(p, views[i]!)));
    return { pieces, views, present };
  };

  let done = 0;
  let turn = 0;
  let next = total > 0 ? readBatch(0, buffers[0]!) : undefined;
  for (let start = 0; start < total; start += perBatch) {
    options.signal?.throwIfAborted();
    const batch = await next!;
    turn ^= 1;
    next = start + perBatch < total ? readBatch(start + perBatch, buffers[turn]!) : undefined;
    // Let an early read failure surface when awaited, not as an unhandled rejection.
    next?.catch(() => {});
    const digests = await hasher(batch.views);
    for (let i = 0; i < batch.pieces.length; i++) {
      const p = batch.pieces[i]!;
      const exp = want(p);
      bits.set(p, batch.present[i]! && exp !== undefined && equalBytes(digests[i]!, exp));
    }
    done += batch.pieces.length;
    options.onProgress?.(done, total);
  }
  return bits;
}

function v1Expected(pieces: Uint8Array, count: number): (piece: number) => Uint8Array | undefined {
  if (pieces.length !== count * 20) {
    throw new StorageError('STORAGE_INVALID_LAYOUT', `expected ${count * 20} bytes of piece hashes, got ${pieces.length}`);
  }
  return (p) => pieces.subarray(p * 20, p * 20 + 20);
}
