// Limits, chosen as libtorrent chooses them so the same torrents pass and fail.

/** Largest file and largest total size: 2^48 - 1 bytes (libtorrent's max_file_size). */
export const MAX_TOTAL_SIZE = 2 ** 48 - 1;
/** A file must hold fewer than (2^31 - 1) / 2 blocks of 16 KiB, so merkle indices fit in 32 bits. */
export const MAX_FILE_BLOCKS = Math.floor(0x7fffffff / 2);
/** Largest piece length: (2^31 - 1) / 2, libtorrent's headroom for block arithmetic. */
export const MAX_PIECE_LENGTH = Math.floor(0x7fffffff / 2);
/** Default most pieces in one torrent (libtorrent's load_torrent_limits.max_pieces). */
export const DEFAULT_MAX_PIECES = 0x200000;
/** Default deepest nesting of the bencoding (libtorrent's max_decode_depth). */
export const DEFAULT_MAX_DEPTH = 100;
/** Default largest .torrent accepted, in bytes. */
export const DEFAULT_MAX_SIZE = 128 * 1024 * 1024;
/** Most name collisions tolerated before a torrent counts as hostile (libtorrent: 100). */
export const MAX_NAME_COLLISIONS = 100;
