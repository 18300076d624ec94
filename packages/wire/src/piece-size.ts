// Piece sizes of a torrent shape: v1 and hybrid (full pieces, short last one) and v2-only
// (piece-aligned files, so every file's last piece may be short).
import { WireError } from './errors.ts';
import type { TorrentShape } from './session.ts';

/** The size of piece `index` of `shape` (the caller checks 0 <= index < pieceCount). */
export function shapePieceSize(shape: TorrentShape, index: number): number {
  if (shape.pieceSize) return shape.pieceSize(index);
  return index === shape.pieceCount - 1 ? shape.totalLength - index * shape.pieceLength : shape.pieceLength;
}

/** Whether two shapes describe the same pieces (compared size by size when either has `pieceSize`). */
export function sameShape(a: TorrentShape, b: TorrentShape): boolean {
  if (a.pieceCount !== b.pieceCount || a.pieceLength !== b.pieceLength || a.totalLength !== b.totalLength) return false;
  if (a.pieceSize === b.pieceSize) return true;
  for (let i = 0; i < a.pieceCount; i++) if (shapePieceSize(a, i) !== shapePieceSize(b, i)) return false;
  return true;
}

/**
 * The shape of a v2-only torrent (BEP 52): each file starts on a piece boundary and no pad bytes are
 * sent, so a file's last piece holds only the rest of that file. Empty files take no piece.
 * `fileLengths` are in the torrent's file order. For a hybrid torrent use the v1 shape instead
 * (`{ pieceCount, pieceLength, totalLength }` with pad files counted in `totalLength`).
 */
export function pieceAlignedShape(fileLengths: readonly number[], pieceLength: number): TorrentShape {
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `piece length must be a positive integer, got ${pieceLength}`);
  }
  // Only the short pieces are stored: lookups stay O(1) and memory is one entry per file at most.
  const short = new Map<number, number>();
  let pieceCount = 0;
  let totalLength = 0;
  for (const length of fileLengths) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new WireError('WIRE_INVALID_ARGUMENT', `file length must be a non-negative integer, got ${length}`);
    }
    if (length === 0) continue;
    const pieces = Math.ceil(length / pieceLength);
    const rest = length - (pieces - 1) * pieceLength;
    if (rest !== pieceLength) short.set(pieceCount + pieces - 1, rest);
    pieceCount += pieces;
    totalLength += length;
  }
  if (pieceCount > 0xffffffff) throw new WireError('WIRE_INVALID_ARGUMENT', `${pieceCount} pieces is more than the wire protocol can address`);
  return { pieceCount, pieceLength, totalLength, pieceSize: (index) => short.get(index) ?? pieceLength };
}
