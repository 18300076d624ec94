// Check data on disk against a torrent, piece by piece: v1 SHA-1 pieces (v1 and hybrid torrents,
// pad files read as zeros) or BEP 52 piece hashes (v2-only: `piece layers`, or the `pieces root`
// itself for files of one piece or less). BEP 52 lets `piece layers` be absent (a torrent made from
// a magnet link gets them from peers), so a larger file without its layer is checked whole: the
// merkle root of its computed piece hashes against its `pieces root`, all its pieces good or all
// bad. Missing or short files make their pieces bad; nothing throws for absent data. The bitfield
// is BEP 3's (piece 0 = high bit of byte 0), so a storage layer can resume from it directly.
import { runChunks, type EngineOptions } from '../hash/engine.ts';
import { metainfoError } from '../hash/errors.ts';
import type { HashProgress } from '../hash/hash-files.ts';
import { layoutFiles, type Layout } from '../hash/layout.ts';
import { HASH_SIZE } from '../hash/merkle.ts';
import { merkleRoot, padHashForPiece } from '../merkle.ts';
import { createFileLocator, type FileLocation } from './locate.ts';
import { bytesText } from '../util/text.ts';

/** The parts of a torrent verification needs; a ParsedTorrent has them all. */
export interface VerifiableTorrent {
  version: 'v1' | 'v2' | 'hybrid';
  name: string;
  pieceLength: number;
  /** v1 piece hashes (v1 and hybrid). */
  pieces: Uint8Array;
  /** Files in torrent order; paths start with the torrent name, as in a ParsedTorrent. */
  files: ReadonlyArray<{ path: readonly string[]; length: number; pad?: boolean; piecesRoot?: Uint8Array }>;
  /** BEP 52 piece layers keyed by lower-case hex pieces root (v2). */
  pieceLayers?: ReadonlyMap<string, Uint8Array>;
}

/** Options of {@link verifyTorrent}. */
export interface VerifyOptions extends EngineOptions {
  /**
   * Where file `i` lives: a path, a path as bytes (names that are not UTF-8), or `{ unavailable }`
   * with the reason it cannot be read (its pieces are then bad). Default: {@link createFileLocator}
   * on `root`: the file's path as it is when that is safe on this platform, else sanitised.
   */
  resolvePath?: (file: VerifiableTorrent['files'][number], index: number) => FileLocation;
  onProgress?: (progress: HashProgress) => void;
}

/** Result of {@link verifyTorrent}. */
export interface VerifyResult {
  /** BEP 3 bitfield of good pieces. */
  bitfield: Uint8Array;
  pieceCount: number;
  /** Number of good pieces. */
  have: number;
  complete: boolean;
  /** Files that could not be read for a reason other than being absent (their pieces are bad). */
  unavailable: Array<{ index: number; reason: string }>;
}

/** True when bit `piece` is set in a BEP 3 bitfield. */
export function hasPiece(bitfield: Uint8Array, piece: number): boolean {
  return ((bitfield[piece >> 3] ?? 0) & (0x80 >> (piece & 7))) !== 0;
}

/**
 * Verify the data under `root` (the directory that holds the torrent's top-level file or folder,
 * i.e. a client's save path) against `torrent`.
 *
 * ```ts
 * const torrent = parseTorrent(await readFile('x.torrent'));
 * const { have, pieceCount } = await verifyTorrent(torrent, './downloads');
 * ```
 */
export async function verifyTorrent(torrent: VerifiableTorrent, root: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  let resolve = options.resolvePath;
  if (!resolve) {
    const locate = await createFileLocator(root);
    resolve = (file) => locate(file.path);
  }
  // v1 and hybrid: the v1 piece space with pad files as zero-filled sources (empty path).
  // v2: only real files, each starting on a piece boundary.
  const useV2 = torrent.version === 'v2';
  const indexed = torrent.files.map((f, i) => ({ f, i })).filter(({ f }) => !(useV2 && f.pad));
  const listed = indexed.map(({ f }) => f);
  const unavailable: VerifyResult['unavailable'] = [];
  const unavailableListed: number[] = [];
  const sources = indexed.map(({ f, i }, k) => {
    const where = f.pad ? '' : resolve(f, i);
    if (typeof where === 'string') return { path: where };
    // Bytes that are not UTF-8 travel as U+DC80..U+DCFF escapes, which the reader (hash/read-node.ts)
    // turns back into the bytes it opens.
    if (where instanceof Uint8Array) return { path: bytesText(where) };
    unavailable.push({ index: i, reason: where.unavailable });
    unavailableListed.push(k);
    return { path: '' };
  });
  let layout: Layout;
  try {
    layout = layoutFiles(listed.map((f) => f.length), torrent.pieceLength, useV2 ? 'v2' : 'v1');
  } catch (err) {
    throw metainfoError('METAINFO_INVALID_INPUT', `cannot lay out torrent: ${(err as Error).message}`, err);
  }
  const pieceCount = layout.pieceCount;
  if (!useV2 && torrent.pieces.length !== pieceCount * 20) {
    throw metainfoError('METAINFO_INVALID_PIECES', `torrent has ${torrent.pieces.length / 20} piece hashes for ${pieceCount} pieces`);
  }
  const expectedV2 = useV2 ? v2Expectations(torrent, listed) : [];
  // v2 files without their piece layer: computed piece hashes, checked against the root at the end.
  const wholeFile = new Map<number, Uint8Array>();
  if (useV2) {
    listed.forEach((f, k) => {
      if (f.piecesRoot && f.length > torrent.pieceLength && expectedV2[k]!.some((e) => e === undefined)) {
        wholeFile.set(k, new Uint8Array(Math.ceil(f.length / torrent.pieceLength) * HASH_SIZE));
      }
    });
  }
  const good = new Uint8Array(pieceCount);
  // Pieces touching data that was not read: bad whatever their hash says (zeros can match).
  const unread = new Uint8Array(pieceCount);
  const markUnread = (from: number, length: number): void => {
    if (length <= 0) return;
    const last = Math.floor((from + length - 1) / layout.pieceLength);
    for (let i = Math.floor(from / layout.pieceLength); i <= last; i++) unread[i] = 1;
  };
  for (const k of unavailableListed) markUnread(layout.files[k]!.offset, layout.files[k]!.length);
  const progress: HashProgress = { bytes: 0, totalBytes: layout.dataLength, pieces: 0, totalPieces: pieceCount };
  await runChunks(layout, sources, { ...options, lenient: true }, ({ chunk, sha1, roots, problems }) => {
    if (!useV2) {
      for (let p = 0; p < chunk.pieces; p++) {
        const i = chunk.firstPiece + p;
        good[i] = equal(sha1, p * 20, torrent.pieces, i * 20, 20) ? 1 : 0;
      }
    } else {
      chunk.tree.forEach((t, k) => {
        const computed = wholeFile.get(t.file);
        if (computed) {
          computed.set(roots.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE), t.piece * HASH_SIZE);
          return;
        }
        const expected = expectedV2[t.file]?.[t.piece];
        const i = (layout.files[t.file]!.offset / layout.pieceLength) + t.piece;
        good[i] = expected !== undefined && equal(roots, k * HASH_SIZE, expected, 0, HASH_SIZE) ? 1 : 0;
      });
    }
    for (const pr of problems) markUnread(chunk.start + pr.at, pr.length);
    progress.bytes += chunk.dataBytes;
    progress.pieces += chunk.pieces;
    options.onProgress?.({ ...progress });
  });
  if (wholeFile.size > 0) {
    const pad = padHashForPiece(torrent.pieceLength);
    for (const [k, computed] of wholeFile) {
      const ok = equal(merkleRoot(computed, pad), 0, listed[k]!.piecesRoot!, 0, HASH_SIZE) ? 1 : 0;
      const first = layout.files[k]!.offset / layout.pieceLength;
      good.fill(ok, first, first + computed.length / HASH_SIZE);
    }
  }
  const bitfield = new Uint8Array(Math.ceil(pieceCount / 8));
  let have = 0;
  for (let i = 0; i < pieceCount; i++) {
    if (good[i] && !unread[i]) {
      have++;
      bitfield[i >> 3]! |= 0x80 >> (i & 7);
    }
  }
  return { bitfield, pieceCount, have, complete: have === pieceCount, unavailable };
}

/**
 * Expected v2 hash of every piece of every listed file (undefined where the torrent lacks it: those
 * files are checked whole against their `pieces root`).
 */
function v2Expectations(torrent: VerifiableTorrent, files: VerifiableTorrent['files']): (Uint8Array | undefined)[][] {
  return files.map((f) => {
    const count = Math.ceil(f.length / torrent.pieceLength);
    if (count === 0 || !f.piecesRoot) return [];
    if (f.length <= torrent.pieceLength) return [f.piecesRoot];
    const layer = torrent.pieceLayers?.get(hex(f.piecesRoot));
    const out: (Uint8Array | undefined)[] = [];
    for (let p = 0; p < count; p++) out.push(layer && layer.length === count * HASH_SIZE ? layer.subarray(p * HASH_SIZE, (p + 1) * HASH_SIZE) : undefined);
    return out;
  });
}

function equal(a: Uint8Array, ai: number, b: Uint8Array, bi: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[ai + k] !== b[bi + k]) return false;
  return true;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
