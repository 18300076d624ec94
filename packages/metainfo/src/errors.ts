// The one error class of @torrentkit/metainfo. Codes are stable: match on `code`, not on `message`.

/** Every way parsing a torrent or a magnet link can fail. */
export type MetainfoErrorCode =
  /** The bytes are not valid bencoding (libtorrent: invalid_bencoding). */
  | 'METAINFO_INVALID_BENCODE'
  /** Nesting deeper than `maxDepth` (libtorrent: depth_exceeded). */
  | 'METAINFO_DEPTH_EXCEEDED'
  /** Input larger than `maxSize` (libtorrent: metadata_too_large). */
  | 'METAINFO_TOO_LARGE'
  /** The top level is not a dictionary (libtorrent: torrent_is_no_dict). */
  | 'METAINFO_NOT_A_DICT'
  /** No `info` dictionary (libtorrent: torrent_missing_info, torrent_info_no_dict). */
  | 'METAINFO_MISSING_INFO'
  /** `meta version` is not 1 or 2 (libtorrent: torrent_unknown_version). */
  | 'METAINFO_UNKNOWN_VERSION'
  /** `piece length` missing, not positive, too large, or (v2) not a power of two >= 16 KiB
   * (libtorrent: torrent_missing_piece_length). */
  | 'METAINFO_INVALID_PIECE_LENGTH'
  /** `name` or a file's `path` is missing or empty (libtorrent: torrent_missing_name). */
  | 'METAINFO_MISSING_NAME'
  /** A path or symlink path holds something other than strings (libtorrent: torrent_invalid_name). */
  | 'METAINFO_INVALID_NAME'
  /** A file length is missing, negative or too large, or the total is zero
   * (libtorrent: torrent_invalid_length). */
  | 'METAINFO_INVALID_LENGTH'
  /** `files` is malformed (an entry is not a dictionary; libtorrent: torrent_file_parse_failed). */
  | 'METAINFO_INVALID_FILE_LIST'
  /** The torrent lists no files (libtorrent: no_files_in_torrent). */
  | 'METAINFO_NO_FILES'
  /** Too many files share one path (libtorrent: too_many_duplicate_filenames). */
  | 'METAINFO_TOO_MANY_DUPLICATE_FILENAMES'
  /** v2 torrent without `file tree` (libtorrent: torrent_missing_file_tree). */
  | 'METAINFO_MISSING_FILE_TREE'
  /** `file tree` present but `meta version` is not 2 (libtorrent: torrent_missing_meta_version). */
  | 'METAINFO_MISSING_META_VERSION'
  /** `file tree` is malformed (libtorrent: torrent_file_parse_failed). */
  | 'METAINFO_INVALID_FILE_TREE'
  /** A v2 file carries the pad attribute (libtorrent: torrent_invalid_pad_file). */
  | 'METAINFO_INVALID_PAD_FILE'
  /** A non-empty v2 file has no valid `pieces root` (libtorrent: torrent_missing_pieces_root). */
  | 'METAINFO_MISSING_PIECES_ROOT'
  /** The v1 files and the v2 file tree of a hybrid disagree (libtorrent: torrent_inconsistent_files). */
  | 'METAINFO_INCONSISTENT_FILES'
  /** More pieces than `maxPieces` (libtorrent: too_many_pieces_in_torrent). */
  | 'METAINFO_TOO_MANY_PIECES'
  /** `pieces` missing in a v1 torrent (libtorrent: torrent_missing_pieces). */
  | 'METAINFO_MISSING_PIECES'
  /** `pieces` is not 20 bytes per piece (libtorrent: torrent_invalid_hashes). */
  | 'METAINFO_INVALID_PIECES'
  /** A `piece layers` entry is malformed, unknown, of the wrong size or does not hash to its
   * `pieces root` (libtorrent: torrent_invalid_piece_layer). */
  | 'METAINFO_INVALID_PIECE_LAYER'
  /** Not a `magnet:` URI, or a malformed parameter; from `formatMagnet`, a value it cannot write
   * so that `parseMagnet` reads it back (a backwards `select` range, a negative `length`...). */
  | 'METAINFO_INVALID_MAGNET'
  /** A magnet link without any usable `xt` info hash. */
  | 'METAINFO_MISSING_INFO_HASH'
  /** A hex, base32 or multihash info hash of the wrong form. */
  | 'METAINFO_INVALID_INFO_HASH'
  /** A torrent object given to the writer (or options given to the builder) are incomplete or inconsistent. */
  | 'METAINFO_INVALID_INPUT'
  /** Building: an exclude pattern is malformed (a backwards class range like `[z-a]`, or only slashes). */
  | 'METAINFO_INVALID_EXCLUDE'
  /** Building/verifying: a file listed for hashing does not exist (any more). */
  | 'METAINFO_FILE_MISSING'
  /** Building/verifying: a file could not be opened or read. */
  | 'METAINFO_FILE_UNREADABLE'
  /** Building/verifying: a file got shorter between listing and hashing. */
  | 'METAINFO_FILE_CHANGED'
  /** Building/verifying: a hashing worker failed for a reason other than file access. */
  | 'METAINFO_HASH_FAILED'
  /** No SHA-1/SHA-256: the runtime has no node:crypto and no fallback was registered (see `defaultDigests`). */
  | 'METAINFO_NO_DIGESTS';

/**
 * The package's one error class: `parseTorrent`, `parseMagnet`, `encodeTorrent`, the builder,
 * the hasher and the verifier throw nothing else for bad input.
 * `offset` is the byte position in the input when the failure is in the bencoding, else -1.
 */
export class MetainfoError extends Error {
  override readonly name = 'MetainfoError';
  readonly code: MetainfoErrorCode;
  readonly offset: number;
  constructor(code: MetainfoErrorCode, message: string, offset = -1, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.offset = offset;
  }
}

/**
 * libtorrent's error names (as its test suite expects them) mapped to our codes, so conformance
 * tests and users porting from libtorrent can translate.
 */
export const LIBTORRENT_ERRORS: Readonly<Record<string, MetainfoErrorCode>> = Object.freeze({
  invalid_bencoding: 'METAINFO_INVALID_BENCODE',
  depth_exceeded: 'METAINFO_DEPTH_EXCEEDED',
  metadata_too_large: 'METAINFO_TOO_LARGE',
  torrent_is_no_dict: 'METAINFO_NOT_A_DICT',
  torrent_missing_info: 'METAINFO_MISSING_INFO',
  torrent_info_no_dict: 'METAINFO_MISSING_INFO',
  torrent_unknown_version: 'METAINFO_UNKNOWN_VERSION',
  torrent_missing_piece_length: 'METAINFO_INVALID_PIECE_LENGTH',
  torrent_missing_name: 'METAINFO_MISSING_NAME',
  torrent_invalid_name: 'METAINFO_INVALID_NAME',
  torrent_invalid_length: 'METAINFO_INVALID_LENGTH',
  no_files_in_torrent: 'METAINFO_NO_FILES',
  too_many_duplicate_filenames: 'METAINFO_TOO_MANY_DUPLICATE_FILENAMES',
  torrent_missing_file_tree: 'METAINFO_MISSING_FILE_TREE',
  torrent_missing_meta_version: 'METAINFO_MISSING_META_VERSION',
  torrent_file_parse_failed: 'METAINFO_INVALID_FILE_TREE',
  torrent_invalid_pad_file: 'METAINFO_INVALID_PAD_FILE',
  torrent_missing_pieces_root: 'METAINFO_MISSING_PIECES_ROOT',
  torrent_inconsistent_files: 'METAINFO_INCONSISTENT_FILES',
  too_many_pieces_in_torrent: 'METAINFO_TOO_MANY_PIECES',
  torrent_missing_pieces: 'METAINFO_MISSING_PIECES',
  torrent_invalid_hashes: 'METAINFO_INVALID_PIECES',
  torrent_invalid_piece_layer: 'METAINFO_INVALID_PIECE_LAYER',
});
