// Sizes on the command line: `256K`, `1M`, `1MiB`, `16384`, or a bare exponent like mktorrent's
// `-l 18` (2^18 bytes). Units are binary (K = 1024) as in mktorrent, imdl and libtorrent, because
// piece lengths are powers of two.

import { isValidPieceLength } from '@torrentkit/metainfo';
import { CliError, usageError } from './errors.ts';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * Parses a size such as `256K`, `1M`, `1.5MiB`, `4 MB` or `262144` into bytes. A bare integer from
 * 10 to 30 is read as a power-of-two exponent (mktorrent's `-l 18`); no real size is that small.
 * Throws a usage error naming `what` for anything else.
 */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw usageError(`bad ${what} '${text}' (expected e.g. 256K, 1M, 4MiB or 262144)`);
  const num = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (unit === '' && Number.isInteger(num) && num >= 10 && num <= 30) return 2 ** num;
  const bytes = num * (UNITS[unit] ?? 1);
  if (!Number.isSafeInteger(bytes)) throw usageError(`bad ${what} '${text}' (not a whole number of bytes)`);
  return bytes;
}

/** Parses and checks a piece length: a power of two from 16 KiB to 16 MiB (metainfo's rule). */
export function parsePieceLength(text: string, what = 'piece length'): number {
  const n = parseSize(text, what);
  if (!isValidPieceLength(n)) {
    throw new CliError('CLI_BAD_PIECE_LENGTH', `bad ${what} '${text}': must be a power of two from 16K to 16M`, 2);
  }
  return n;
}

/** Formats bytes with binary units: `0 B`, `512 B`, `1.50 KiB`, `256 MiB`, `1.00 GiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  const text = Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text} ${units[i]}`;
}

/** Formats a piece length compactly: `256 KiB`, `1 MiB`. */
export function formatPieceLength(n: number): string {
  return formatBytes(n);
}
