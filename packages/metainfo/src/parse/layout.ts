// Where each file sits in the piece space: v1 concatenates files (pad files included); v2 starts
// every file on a piece boundary (BEP 52).
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
 * Sets `offset` on each file of a v2 tree: every file starts on a piece boundary (BEP 52), so
 * a file that follows one ending mid-piece is moved to the next boundary. Empty files and
 * symlinks carry no data but are placed the same way, as libtorrent lays them out (its v1 view
 * of a hybrid puts a pad file before them). Returns the size of the piece space (implicit
 * padding included).
 */
export function layoutV2(files: TorrentFile[], pieceLength: number): number {
  let total = 0;
  for (const f of files) {
    if (total % pieceLength !== 0) total += pieceLength - (total % pieceLength);
    f.offset = total;
    total += f.length;
    if (total > MAX_TOTAL_SIZE) throw new MetainfoError('METAINFO_INVALID_LENGTH', 'total size too large');
  }
  return total;
}

/**
 * Hybrid torrents must describe the same files twice: the v1 list (without its pad files) and
 * the v2 tree must agree on path, length and symlink, and every file that occupies the piece
 * space or is a symlink must also agree on its position. An empty file holds no bytes, so where
 * the v1 list puts it (before or after the pad file that aligns the next file) is not checked:
 * libtorrent's creator puts it after the pad, others before, and libtorrent accepts both.
 * Copies each `pieces root` onto the matching v1 entry.
 */
export function reconcileHybrid(v1: TorrentFile[], v2: TorrentFile[]): void {
  const real = v1.filter((f) => !f.pad);
  if (real.length !== v2.length) {
    throw new MetainfoError('METAINFO_INCONSISTENT_FILES', `v1 lists ${real.length} files, the v2 file tree ${v2.length}`);
  }
  for (let i = 0; i < real.length; i++) {
    const a = real[i]!;
    const b = v2[i]!;
    const placed = a.length > 0 || a.symlink;
    const same =
      a.length === b.length &&
      (!placed || a.offset === b.offset) &&
      a.symlink === b.symlink &&
      sameComponents(a.path, b.path) &&
      sameComponents(a.symlinkPath, b.symlinkPath);
    if (!same) {
      throw new MetainfoError('METAINFO_INCONSISTENT_FILES', `v1 file ${i} (${a.path.join('/')}) differs from the v2 file tree`);
    }
    if (b.piecesRoot !== undefined) a.piecesRoot = b.piecesRoot;
  }
}

function sameComponents(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((c, k) => c === b[k]);
}
