// Building torrents from files on disk.
export { createTorrent, announceTiers } from './create-torrent.ts';
export type { CreateTorrentInput, CreateTorrentOptions, CreatedTorrent, FileSpec } from './create-torrent.ts';
export { pickPieceLength, isValidPieceLength, MIN_PIECE_LENGTH, MAX_PIECE_LENGTH, TARGET_PIECES } from './piece-length.ts';
export { compileExcludes } from './glob.ts';
export type { Matcher } from './glob.ts';
export { sortByPath } from './order.ts';
export type { BuiltFile } from './info-writer.ts';
