// Types of a parsed torrent: BEP 3 (v1), BEP 52 (v2 file tree and piece layers), hybrids of both,
// plus the optional keys of BEP 12 (announce-list), BEP 19 (url-list), BEP 27 (private) and
// BEP 47 (pad files, attributes, symlinks).
import type { BDict } from '@torrentkit/bencode';

/** Which hash trees a torrent carries: v1 (SHA-1 pieces), v2 (SHA-256 merkle trees) or both. */
export type TorrentVersion = 'v1' | 'v2' | 'hybrid';

/** One file of a torrent, in the order the torrent lists it. */
export interface TorrentFile {
  /**
   * Path components as stored in the torrent, relative to the download (save) directory, i.e.
   * **including the torrent name**: `[name]` for a single-file torrent, `[name, ...path]` for a
   * multi-file torrent, where `path` is the file's v1 `path` list or its place in the v2 `file
   * tree` (so multi-file paths always have at least two components and `path[0] === name`).
   * For a v2-only single-file torrent it is `[key]`, the file tree's only key; a hybrid's v1
   * and v2 views must agree on it. Pad files without a path get `[name, '.pad', String(length)]`.
   * This is the path {@link verifyTorrent} joins onto its `root` (a client's save path).
   * Not safe to join onto a directory as is: use {@link sanitizePath}.
   */
  path: string[];
  /** Length in bytes. */
  length: number;
  /**
   * Byte offset of the file in the torrent's piece space. For v1 and hybrid torrents this is the
   * position in the concatenation of all files (pad files included); for v2-only torrents every
   * file starts on a piece boundary, as BEP 52 requires.
   */
  offset: number;
  /** BEP 47 `attr` string as stored (`''` when absent); the flags below are derived from it. */
  attr: string;
  /** BEP 47 pad file (`p`): filler bytes (zeros) that align the next file to a piece boundary. */
  pad: boolean;
  /** BEP 47 executable bit (`x`). */
  executable: boolean;
  /** BEP 47 hidden file (`h`). */
  hidden: boolean;
  /** BEP 47 symlink (`l`); the target is in {@link TorrentFile.symlinkPath}. */
  symlink: boolean;
  /**
   * BEP 47 `symlink path` components as stored, when `symlink` is set: the link target relative
   * to the torrent's root directory, so unlike {@link TorrentFile.path} it does **not** start
   * with the torrent name (`['a', 'b']` points at the file whose `path` is `[name, 'a', 'b']`).
   */
  symlinkPath?: string[];
  /** BEP 52 `pieces root` (32-byte SHA-256 merkle root) of a non-empty file in a v2/hybrid torrent. */
  piecesRoot?: Uint8Array;
  /** BEP 47 optional `sha1` of the whole file. */
  sha1?: Uint8Array;
  /** BEP 47 optional `mtime` (seconds since the Unix epoch). */
  mtime?: number;
}

/** A torrent file parsed and validated by {@link parseTorrent}. */
export interface ParsedTorrent {
  /** Which hash trees the torrent carries. */
  version: TorrentVersion;
  /** `info.name` (the suggested file or directory name); not sanitised. */
  name: string;
  /** `info.piece length` in bytes. */
  pieceLength: number;
  /** Number of pieces: `ceil(length / pieceLength)` for v1/hybrid; for v2 the sum over files. */
  pieceCount: number;
  /** v1 piece hashes, 20 bytes each, concatenated (`info.pieces`); empty for v2-only torrents. */
  pieces: Uint8Array;
  /** Files in torrent order (pad files included, flagged `pad`). */
  files: TorrentFile[];
  /** Total size in bytes of all files, pad files included (what a v1 client downloads). */
  length: number;
  /** v1 info hash: SHA-1 of the raw `info` bytes, lower-case hex; absent for v2-only torrents. */
  infoHash?: string;
  /** v2 info hash: SHA-256 of the raw `info` bytes, lower-case hex; absent for v1-only torrents. */
  infoHashV2?: string;
  /** `announce`, the primary tracker URL. */
  announce?: string;
  /** BEP 12 `announce-list`: tiers of tracker URLs (empty tiers removed). */
  announceList: string[][];
  /** BEP 19 `url-list` web seeds (a single string is returned as a one-element list). */
  urlList: string[];
  /** BEP 27 `info.private` set to 1. */
  private: boolean;
  /** `info.source` (used by private trackers to make the info hash unique). */
  source?: string;
  /** `comment`. */
  comment?: string;
  /** `created by`. */
  createdBy?: string;
  /**
   * `creation date` in seconds since the Unix epoch; undefined when absent, negative or beyond
   * 2^53 (the original value stays in `raw`, and {@link encodeTorrent} writes it back unchanged).
   */
  creationDate?: number;
  /**
   * BEP 52 `piece layers`: for every file larger than one piece, its layer of piece hashes
   * (32 bytes each, concatenated), keyed by the lower-case hex of the file's `pieces root`.
   */
  pieceLayers: Map<string, Uint8Array>;
  /** The decoded top-level dict, unknown keys included. */
  raw: BDict;
  /** The decoded `info` dict, unknown keys included. */
  info: BDict;
  /** The original bytes of the whole `.torrent` file. */
  bytes: Uint8Array;
  /** The original bytes of the `info` dict: what the info hashes are computed from. */
  infoBytes: Uint8Array;
}

/**
 * The fields {@link encodeTorrent} writes. A {@link ParsedTorrent} is one; a builder can pass just
 * the typed fields. Keys of `raw`/`info` that have no typed field are kept.
 */
export interface TorrentInput {
  /** Which hash trees to write; default: `hybrid` when files have `piecesRoot` and `pieces` is set,
   * `v2` when only roots are set, else `v1`. */
  version?: TorrentVersion;
  /** `info.name`. */
  name: string;
  /** `info.piece length` in bytes (a power of two of at least 16 KiB for v2 and hybrid). */
  pieceLength: number;
  /** v1 piece hashes (required for v1 and hybrid). */
  pieces?: Uint8Array;
  /** Files in torrent order; pad files (v1 and hybrid) included and flagged `pad`. */
  files: ReadonlyArray<TorrentFileInput>;
  /** `announce`. */
  announce?: string;
  /** BEP 12 `announce-list` tiers; empty tiers are left out. */
  announceList?: ReadonlyArray<ReadonlyArray<string>>;
  /** BEP 19 `url-list`. */
  urlList?: ReadonlyArray<string>;
  /** BEP 27: writes `info.private = 1`. */
  private?: boolean;
  /** `info.source`. */
  source?: string;
  /** `comment`. */
  comment?: string;
  /** `created by`. */
  createdBy?: string;
  /**
   * `creation date` in Unix seconds; leave it out for reproducible torrents. `null` removes any date
   * `raw` carries, including one the parser could not represent (negative or beyond 2^53).
   */
  creationDate?: number | null;
  /** v2 piece layers keyed by hex pieces root (required for v2 files larger than one piece). */
  pieceLayers?: ReadonlyMap<string, Uint8Array>;
  /** Extra top-level keys to keep (typed fields above win). */
  raw?: BDict;
  /** Extra info keys to keep (typed fields above win). */
  info?: BDict;
  /**
   * The original info dict bytes. When present they are written verbatim, so the info hash never
   * changes on a re-encode; delete it to write the info dict from the typed fields.
   */
  infoBytes?: Uint8Array;
}

/** A file as {@link encodeTorrent} needs it. */
export interface TorrentFileInput {
  /** As {@link TorrentFile.path}: `[name]` for a single-file torrent, `[name, ...path]` otherwise. */
  path: ReadonlyArray<string>;
  /** Length in bytes. */
  length: number;
  /** BEP 47 `attr` verbatim; when absent it is built from the flags below (`p`, `x`, `h`, `l`). */
  attr?: string;
  /** BEP 47 pad file (v1 list only; left out of a v2 file tree). */
  pad?: boolean;
  /** BEP 47 executable. */
  executable?: boolean;
  /** BEP 47 hidden. */
  hidden?: boolean;
  /** BEP 47 symlink; give `symlinkPath` too. */
  symlink?: boolean;
  /** BEP 47 `symlink path` components, as {@link TorrentFile.symlinkPath}: below the torrent name. */
  symlinkPath?: ReadonlyArray<string>;
  /** BEP 52 `pieces root` (32 bytes) of a non-empty file, for v2 and hybrid. */
  piecesRoot?: Uint8Array;
  /** BEP 47 `sha1` of the file (v1 list only). */
  sha1?: Uint8Array;
  /** BEP 47 `mtime` in Unix seconds. */
  mtime?: number;
}
