// Parse and validate a .torrent file: BEP 3 (v1), BEP 52 (v2), hybrids, with BEP 12, 19, 27 and
// 47 keys. Validation follows libtorrent's torrent_info so the same files pass and fail, with
// lenient bencoding where libtorrent is lenient (unsorted v1 dicts, trailing bytes).
import { BencodeError, decode, decodePrefix, rawOf, type BDict, type BValue } from '@torrentkit/bencode';
import { MetainfoError } from '../errors.ts';
import { infoHashV1, infoHashV2 } from '../infohash.ts';
import type { ParsedTorrent, TorrentFile, TorrentVersion } from '../types.ts';
import { toHex } from '../util/hex.ts';
import { displayText } from '../util/text.ts';
import { checkDuplicates } from './duplicates.ts';
import { bytesAt, dictAt, intAt, isDict, listAt, textAt } from './fields.ts';
import { readFileTree } from './file-tree.ts';
import { readFileList, readSingleFile } from './files-v1.ts';
import { layoutV1, layoutV2, reconcileHybrid } from './layout.ts';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_PIECES, DEFAULT_MAX_SIZE, MAX_PIECE_LENGTH } from './limits.ts';
import { readPieceLayers } from './piece-layers.ts';
import { readComment, readCreatedBy, readCreationDate } from './top-level.ts';
import { readAnnounce, readAnnounceList, readUrlList } from './trackers.ts';

/** Options for {@link parseTorrent}. */
export interface ParseOptions {
  /** Most pieces accepted. Default 2,097,152 (libtorrent's default). */
  maxPieces?: number;
  /** Deepest bencode nesting accepted. Default 100 (libtorrent's default). */
  maxDepth?: number;
  /** Largest input accepted, in bytes. Default 128 MiB. */
  maxSize?: number;
  /** Check that each BEP 52 piece layer hashes to its file's `pieces root`. Default true. */
  verifyPieceLayers?: boolean;
}

function fromBencode(err: unknown): MetainfoError {
  if (err instanceof BencodeError) {
    const code = err.code === 'BENCODE_DEPTH_EXCEEDED' ? 'METAINFO_DEPTH_EXCEEDED' : 'METAINFO_INVALID_BENCODE';
    return new MetainfoError(code, `invalid bencoding: ${err.message}`, err.offset, { cause: err });
  }
  return new MetainfoError('METAINFO_INVALID_BENCODE', `invalid bencoding: ${String(err)}`, -1, { cause: err });
}

/**
 * The options, with each limit checked: a NaN, negative or fractional limit would otherwise switch
 * the limit off, or be blamed on the torrent (as bad bencoding) instead of on the caller.
 */
function checkOptions(options: ParseOptions | null | undefined): ParseOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new MetainfoError('METAINFO_INVALID_INPUT', 'parseTorrent options must be an object');
  for (const key of ['maxPieces', 'maxDepth', 'maxSize'] as const) {
    const v = options[key];
    if (v !== undefined && !(v === Infinity || (Number.isSafeInteger(v) && v >= 0))) {
      throw new MetainfoError('METAINFO_INVALID_INPUT', `parseTorrent option ${key} must be a whole number of at least 0 or Infinity, not ${String(v)}`);
    }
  }
  return options;
}

/**
 * Parses and validates a `.torrent` file.
 *
 * The info hashes are computed from the raw bytes of the `info` dict as they appear in `bytes`.
 * Byte strings in the result are views into `bytes` (no copies): keep `bytes` unchanged.
 *
 * @throws {MetainfoError} with a stable `code` for anything that is not a valid torrent.
 * @example
 * ```ts
 * const t = parseTorrent(new Uint8Array(await Bun.file('x.torrent').arrayBuffer()));
 * console.log(t.name, t.infoHash, t.files.length);
 * ```
 */
export function parseTorrent(bytes: Uint8Array, options?: ParseOptions | null): ParsedTorrent {
  if (!(bytes instanceof Uint8Array)) throw new MetainfoError('METAINFO_INVALID_INPUT', 'parseTorrent expects a Uint8Array');
  const opts = checkOptions(options);
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (bytes.length > (opts.maxSize ?? DEFAULT_MAX_SIZE)) {
    throw new MetainfoError('METAINFO_TOO_LARGE', `torrent is ${bytes.length} bytes, more than the limit`);
  }
  let top: BValue;
  try {
    // Trailing bytes and unsorted keys are tolerated, as libtorrent and Transmission do.
    // Only the top level and its values (info) need their bytes: spans of deeper lists and dicts
    // (thousands of file entries) would cost a WeakMap entry each.
    top = decodePrefix(bytes, { strict: false, spans: 2, maxDepth }).value;
  } catch (err) {
    throw fromBencode(err);
  }
  if (!isDict(top)) throw new MetainfoError('METAINFO_NOT_A_DICT', 'torrent is not a dictionary');
  const info = dictAt(top, 'info');
  if (info === undefined) throw new MetainfoError('METAINFO_MISSING_INFO', 'torrent has no info dictionary');
  const infoBytes = rawOf(info);
  if (infoBytes === undefined) throw new MetainfoError('METAINFO_MISSING_INFO', 'info dictionary has no byte span');

  const metaVersion = intAt(info, 'meta version') ?? -1;
  if (metaVersion > 0) {
    // v2 hashes the info dict as written; BEP 52 demands canonical bencoding there.
    try {
      decode(infoBytes, { strict: true, maxDepth });
    } catch (err) {
      throw fromBencode(err);
    }
    if (metaVersion > 2) throw new MetainfoError('METAINFO_UNKNOWN_VERSION', `meta version ${metaVersion} is unknown`);
  }
  const isV2 = metaVersion === 2;

  const pieceLength = intAt(info, 'piece length');
  if (pieceLength === undefined || !(pieceLength > 0) || pieceLength > MAX_PIECE_LENGTH) {
    throw new MetainfoError('METAINFO_INVALID_PIECE_LENGTH', 'piece length missing or out of range');
  }
  if (isV2 && (pieceLength < 16384 || (pieceLength & (pieceLength - 1)) !== 0)) {
    throw new MetainfoError('METAINFO_INVALID_PIECE_LENGTH', 'v2 piece length must be a power of two of at least 16 KiB');
  }

  const name = textAt(info, 'name.utf-8') ?? textAt(info, 'name');
  if (name === undefined) throw new MetainfoError('METAINFO_MISSING_NAME', 'info has no name');

  const fileList = listAt(info, 'files');
  const fileTree = dictAt(info, 'file tree');
  let v2Files: TorrentFile[] | undefined;
  if (isV2) {
    if (fileTree === undefined) throw new MetainfoError('METAINFO_MISSING_FILE_TREE', 'v2 torrent has no file tree');
    v2Files = readFileTree(fileTree, name, fileList !== undefined);
  } else if (fileTree !== undefined) {
    throw new MetainfoError('METAINFO_MISSING_META_VERSION', 'file tree without meta version 2');
  }
  let v1Files: TorrentFile[] | undefined;
  if (fileList !== undefined) v1Files = readFileList(fileList, name);
  else if (!isV2 || info['length'] !== undefined) v1Files = [readSingleFile(info, name)];

  const version: TorrentVersion = v2Files === undefined ? 'v1' : v1Files === undefined ? 'v2' : 'hybrid';
  const primary = v2Files ?? v1Files ?? [];
  if (primary.length === 0) throw new MetainfoError('METAINFO_NO_FILES', 'torrent lists no files');

  const v1Total = v1Files === undefined ? 0 : layoutV1(v1Files);
  const v2Total = v2Files === undefined ? 0 : layoutV2(v2Files, pieceLength);
  if (v1Files !== undefined && v2Files !== undefined) {
    reconcileHybrid(v1Files, v2Files);
    // One `pieces` list serves both views, so trailing pad or empty files in the v1 list may
    // round its size up to the same piece count but never add a piece.
    if (Math.ceil(v1Total / pieceLength) !== Math.ceil(v2Total / pieceLength)) {
      throw new MetainfoError('METAINFO_INCONSISTENT_FILES', `the v1 file list spans ${v1Total} bytes, the v2 file tree ${v2Total}`);
    }
  }
  const spaceSize = v2Files !== undefined ? v2Total : v1Total;

  const maxPieces = opts.maxPieces ?? DEFAULT_MAX_PIECES;
  const pieceCount = Math.ceil(spaceSize / pieceLength);
  if (spaceSize / pieceLength >= 0x7fffffff || pieceCount > maxPieces) {
    throw new MetainfoError('METAINFO_TOO_MANY_PIECES', `${pieceCount} pieces, more than the limit of ${maxPieces}`);
  }
  const pieces = bytesAt(info, 'pieces');
  if (pieces === undefined) {
    // A v1 view (v1 or hybrid) is useless without its piece hashes: nothing to verify or trade by.
    if (v1Files !== undefined) throw new MetainfoError('METAINFO_MISSING_PIECES', 'info has no pieces');
  } else if (pieces.length !== pieceCount * 20) {
    throw new MetainfoError('METAINFO_INVALID_PIECES', `pieces holds ${pieces.length} bytes, expected ${pieceCount * 20}`);
  }
  if (spaceSize === 0) throw new MetainfoError('METAINFO_INVALID_LENGTH', 'torrent holds no data');

  const files = v1Files ?? v2Files!;
  checkDuplicates(files);
  const pieceLayers = isV2
    ? readPieceLayers(top['piece layers'], v2Files!, pieceLength, opts.verifyPieceLayers ?? true)
    : new Map<string, Uint8Array>();

  const torrent: ParsedTorrent = {
    version,
    name,
    pieceLength,
    pieceCount,
    pieces: pieces ?? new Uint8Array(0),
    files,
    length: v1Files !== undefined ? v1Total : files.reduce((n, f) => n + f.length, 0),
    announceList: readAnnounceList(top),
    urlList: readUrlList(top),
    private: (intAt(info, 'private') ?? 0) !== 0,
    pieceLayers,
    raw: top,
    info,
    bytes,
    infoBytes,
  };
  if (version !== 'v2') torrent.infoHash = toHex(infoHashV1(infoBytes));
  if (version !== 'v1') torrent.infoHashV2 = toHex(infoHashV2(infoBytes));
  const announce = readAnnounce(top);
  if (announce !== undefined) torrent.announce = announce;
  const source = bytesAt(info, 'source');
  if (source !== undefined) torrent.source = displayText(source);
  const comment = readComment(top);
  if (comment !== undefined) torrent.comment = comment;
  const createdBy = readCreatedBy(top);
  if (createdBy !== undefined) torrent.createdBy = createdBy;
  const date = readCreationDate(top);
  if (date !== undefined) torrent.creationDate = date;
  return torrent;
}

/**
 * Like {@link parseTorrent} but returns `undefined` for bytes that are not a valid torrent. A runtime
 * without SHA-1 (`METAINFO_NO_DIGESTS`) and invalid options still throw: those are setup problems,
 * not bad input.
 */
export function tryParseTorrent(bytes: Uint8Array, opts?: ParseOptions | null): ParsedTorrent | undefined {
  checkOptions(opts);
  try {
    return parseTorrent(bytes, opts);
  } catch (err) {
    if (err instanceof MetainfoError && err.code !== 'METAINFO_NO_DIGESTS') return undefined;
    throw err;
  }
}
