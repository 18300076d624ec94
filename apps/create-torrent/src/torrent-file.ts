// Reading a .torrent named on the command line, with errors phrased for a person.

import { readFileSync, statSync } from 'node:fs';
import { MetainfoError, parseTorrent, type ParsedTorrent } from '@torrentkit/metainfo';
import { CliError } from './errors.ts';

/** Larger than any real .torrent (piece layers of a multi-TB v2 torrent stay well below this). */
const MAX_TORRENT_BYTES = 256 * 1024 * 1024;

/** Reads and parses `path`; throws a CliError with one clear line on any failure. */
export function readTorrent(path: string): ParsedTorrent {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new CliError('CLI_NOT_A_TORRENT', `${path} is a directory, not a .torrent file`);
    size = st.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('CLI_MISSING_TORRENT', `cannot read ${path}: ${(err as { code?: string }).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (size > MAX_TORRENT_BYTES) throw new CliError('CLI_NOT_A_TORRENT', `${path} is too large to be a .torrent file (${size} bytes)`);
  let bytes: Uint8Array;
  try {
    const buf = readFileSync(path);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new CliError('CLI_MISSING_TORRENT', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parseTorrent(bytes);
  } catch (err) {
    if (err instanceof MetainfoError) throw new CliError(err.code, `${path} is not a valid torrent: ${err.message}`);
    throw err;
  }
}
