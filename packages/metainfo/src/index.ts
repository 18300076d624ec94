// @torrentkit/metainfo: parse, validate, build and verify .torrent files (BEP 3, 9, 12, 19, 27, 47, 52, 53).
export type { TorrentVersion, TorrentFile, ParsedTorrent, TorrentInput, TorrentFileInput } from './types.ts';
