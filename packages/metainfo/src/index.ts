// @torrentkit/metainfo: parse, validate, build and verify .torrent files (BEP 3, 9, 12, 19, 27, 47, 52, 53).
export type { TorrentVersion, TorrentFile, ParsedTorrent, TorrentInput, TorrentFileInput } from './types.ts';
export { MetainfoError, LIBTORRENT_ERRORS, type MetainfoErrorCode } from './errors.ts';
export { parseTorrent, tryParseTorrent, type ParseOptions } from './parse/parse-torrent.ts';
export {
  infoHashes,
  infoHashesAsync,
  infoHashV1,
  infoHashV2,
  truncateInfoHash,
  truncatedHex,
  type InfoHashes,
} from './infohash.ts';
export { toHex, fromHex, toBase32, fromBase32 } from './util/hex.ts';
export * from './hash/index.ts';
export { sanitizePath, sanitizeComponent, isSafeComponent, type SanitizeOptions } from './sanitize.ts';
export * from './magnet/index.ts';
export { encodeTorrent } from './encode.ts';
export * from './build/index.ts';
export * from './verify/index.ts';
