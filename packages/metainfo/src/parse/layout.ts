// Where each file sits in the piece space: v1 concatenates files (pad files included); v2 starts
// every non-empty file on a piece boundary (BEP 52).
import { MetainfoError } from '../errors.ts';
import type { TorrentFile } from '../types.ts';
import { MAX_TOTAL_SIZE } from './limits.ts';

/** Sets `offset` on each file of a v1 list; returns the total size. */
export function layoutV1(files: TorrentFile[]): number {
  let total = 0;
  for (const f of files) {
    f.offset = total;
    total += f.length;
    if (total > MAX_TOTAL_SIZE) throw new MetainfoError('METAINFO_INVALID_LENGTH', 'total size too large');
  }
  return total;
}

/**
 * Sets `offset` on each file of a v2 tree, aligning files that have a merkle tree to
 * `pieceLength`; returns the size of the piece space (implicit padding included).
 */
export function layoutV2(files: TorrentFile[], pieceLength: number): number {
  let total = 0;
  for (const f of files) {
    if (f.piecesRoot !== undefined && total % pieceLength !== 0) total += pieceLength - (total % pieceLength);
    f.offset = total;
    total += f.length;
    if (total > MAX_TOTAL_SIZE) throw new MetainfoError('METAINFO_INVALID_LENGTH', 'total size too large');
  }
  return total;
}

/**
 * Hybrid torrents must describe the same files twice: the v1 list (without its pad files) and
 * the v2 tree must agree on path, length, symlink and position. Copies each `pieces root` onto
 * the matching v1 entry.
 */
export function reconcileHybrid(v1: TorrentFile[], v2: TorrentFile[]): void {
  const real = v1.filter((f) => !f.pad);
  if (real.length !== v2.length) {
    throw new MetainfoError('METAINFO_INCONSISTENT_FILES', `v1 lists ${real.length} files, the v2 file tree ${v2.length}`);
  }
  for (let i = 0; i < real.length; i++) {
    const a = real[i]!;
    const b = v2[i]!;
    const same =
      a.length === b.length &&
      a.offset === b.offset &&
      a.symlink === b.symlink &&
      a.path.length === b.path.length &&
      a.path.every((c, k) => c === b.path[k]);
    if (!same) {
      throw new MetainfoError('METAINFO_INCONSISTENT_FILES', `v1 file ${i} (${a.path.join('/')}) differs from the v2 file tree`);
    }
    if (b.piecesRoot !== undefined) a.piecesRoot = b.piecesRoot;
  }
}
