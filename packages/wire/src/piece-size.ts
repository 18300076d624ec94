// Piece geometry of a torrent as the wire protocol sees it: v1 and hybrid (full pieces, short last
// one) and v2-only (piece-aligned files, so every file's last piece may be short), and the block
// address check both directions of a session share.
import { WireError } from './errors.ts';

/**
 * The numbers the session needs to check block addresses. By default every piece is `pieceLength`
 * bytes except the last, which holds the rest of `totalLength`: right for v1 torrents, and for
 * hybrid ones, whose v1 view pads each file to a piece boundary (pad bytes are part of the piece and
 * may be requested). A v2-only torrent aligns every file to a piece boundary without pad files, so
 * each file's last piece may be short: give `pieceSize` (see {@link pieceAlignedShape}).
 */
export interface TorrentShape {
  pieceCount: number;
  pieceLength: number;
  /** Total content bytes (for v2: the sum of the file lengths). */
  totalLength: number;
  /** The size of piece `index` (0 <= index < pieceCount), when not every piece but the last is full. */
  pieceSize?: (index: number) => number;
}

/**
 * @internal Whether (`index`, `begin`, `length`) is a block inside one piece of `shape`, with
 * 0 < length <= `max`. Without a shape (a magnet link before its metadata) only the wire's uint32
 * ranges can be checked.
 */
export function validBlock(shape: TorrentShape | undefined, index: number, begin: number, length: number, max: number): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(begin) || !Number.isInteger(length)) return false;
  if (index < 0 || begin < 0 || length <= 0 || length > max) return false;
  if (!shape) return index <= 0xffffffff && begin <= 0xffffffff;
  return index < shape.pieceCount && begin + length <= shapePieceSize(shape, index);
}

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
