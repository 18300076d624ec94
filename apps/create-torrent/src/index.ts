// @torrentkit/create-torrent: the CLI as a function, for embedding and tests. The executable is bin.ts.
export { main } from './main.ts';
export type { Io, TextOut } from './io.ts';
export { parseCommandLine } from './args.ts';
export type { Args, CreateArgs, ShowArgs, VerifyArgs, MagnetArgs } from './args.ts';
export { parseSize, parsePieceLength, formatBytes } from './size.ts';
export type { TorrentJson, FileJson } from './summary.ts';
export { CliError } from './errors.ts';
