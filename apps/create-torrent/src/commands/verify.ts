// `create-torrent verify FILE.torrent PATH`: hash the data at PATH piece by piece against the
// torrent (metainfo's verifyTorrent), report the bad pieces and the files they touch, exit 1 if any.

import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { hasPiece, sanitizePath, verifyTorrent, type ParsedTorrent } from '@torrentkit/metainfo';
import type { VerifyArgs } from '../args.ts';
import { CliError } from '../errors.ts';
import type { Io } from '../io.ts';
import { displayPath, innerPath, isMultiFile } from '../paths.ts';
import { ProgressBar, wantProgress } from '../progress.ts';
import { readTorrent } from '../torrent-file.ts';

/** The JSON schema of `verify --json`. */
export interface VerifyJson {
  ok: boolean;
  name: string;
  infoHash: string | null;
  infoHashV2: string | null;
  pieceCount: number;
  goodPieces: number;
  /** Indices of the pieces that did not match (or whose data is missing). */
  badPieces: number[];
  /** Paths ('/'-joined torrent paths) of the files that overlap a bad piece. */
  badFiles: string[];
}

export async function runVerify(args: VerifyArgs, io: Io): Promise<number> {
  const t = readTorrent(args.torrent);
  // verifyTorrent treats absent data as bad pieces; a mistyped PATH deserves a plain error instead.
  if (!existsSync(args.path)) throw new CliError('CLI_MISSING_PATH', `no such file or directory: ${args.path}`);
  const bar = !args.quiet && wantProgress(io.stderr, io.env) ? new ProgressBar(io.stderr, 'verifying') : undefined;
  let result;
  try {
    result = await verifyTorrent(t, args.path, {
      resolvePath: fileLocator(t, args.path),
      threads: args.threads,
      signal: io.signal,
      onProgress: bar
        ? (p) => bar.update({ bytesDone: p.bytes, bytesTotal: p.totalBytes, piecesDone: p.pieces, piecesTotal: p.totalPieces })
        : undefined,
    });
  } finally {
    bar?.done();
  }
  const badPieces: number[] = [];
  for (let i = 0; i < result.pieceCount; i++) if (!hasPiece(result.bitfield, i)) badPieces.push(i);
  const json: VerifyJson = {
    ok: result.complete,
    name: t.name,
    infoHash: t.infoHash ?? null,
    infoHashV2: t.infoHashV2 ?? null,
    pieceCount: result.pieceCount,
    goodPieces: result.have,
    badPieces,
    badFiles: filesTouching(t, badPieces),
  };
  if (args.json) io.stdout.write(`${JSON.stringify(json)}\n`);
  else if (json.ok) {
    if (!args.quiet) io.stdout.write(`ok: all ${json.pieceCount} pieces of ${t.name} match\n`);
  } else {
    io.stdout.write(`FAILED: ${badPieces.length} of ${json.pieceCount} pieces of ${t.name} do not match\n`);
    io.stdout.write(`bad pieces: ${ranges(badPieces)}\n`);
    for (const f of json.badFiles) io.stdout.write(`bad file: ${f}\n`);
  }
  return json.ok ? 0 : 1;
}

/**
 * Where each file is on disk. Multi-file: PATH is the torrent's directory (what `create` was given),
 * or a download directory holding it under the torrent's name; files are below it with their
 * components sanitised, so nothing can point outside PATH. Single-file: PATH is the file itself, or
 * a directory holding it under the torrent's name.
 */
function fileLocator(t: ParsedTorrent, root: string): (f: { path: readonly string[] }) => string {
  if (isMultiFile(t)) {
    const named = join(root, ...sanitizePath([t.name]));
    const dir = basename(resolve(root)) !== t.name && isDirectory(named) ? named : root;
    return (f) => join(dir, ...sanitizePath(innerPath(t, { path: [...f.path] })));
  }
  const target = statSync(root).isDirectory() ? join(root, ...sanitizePath([t.name])) : root;
  return () => target;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Files overlapping a bad piece. Each file's `offset` is its place in the piece space (v1: the
 * concatenation with pad files; v2: piece-aligned), so piece i covers [i*len, (i+1)*len).
 */
function filesTouching(t: ParsedTorrent, bad: readonly number[]): string[] {
  if (bad.length === 0) return [];
  const badSet = new Set(bad);
  const out: string[] = [];
  for (const f of t.files) {
    if (f.pad || f.length === 0) continue;
    const first = Math.floor(f.offset / t.pieceLength);
    const last = Math.floor((f.offset + f.length - 1) / t.pieceLength);
    for (let i = first; i <= last; i++) {
      if (badSet.has(i)) { out.push(displayPath(t, f).join('/')); break; }
    }
  }
  return out;
}

/** `0-3, 7, 9-10`: compact piece ranges for a person to read. */
export function ranges(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? `${start}` : `${start}-${sorted[i]}`);
  }
  return parts.join(', ');
}
