// `create-torrent verify FILE.torrent PATH`: hash the data at PATH piece by piece against the
// torrent (metainfo's verifyTorrent), report the bad pieces and the files they touch, exit 1 if any.

import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createFileLocator, hasPiece, verifyTorrent, type FileLocation, type ParsedTorrent } from '@torrentkit/metainfo';
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
  /** Files that exist but could not be read here (e.g. a non-UTF-8 name on Deno), and why. */
  unavailableFiles: Array<{ path: string; reason: string }>;
}

export async function runVerify(args: VerifyArgs, io: Io): Promise<number> {
  const t = readTorrent(args.torrent);
  // verifyTorrent treats absent data as bad pieces; a mistyped PATH deserves a plain error instead.
  if (!existsSync(args.path)) throw new CliError('CLI_MISSING_PATH', `no such file or directory: ${args.path}`);
  const bar = !args.quiet && wantProgress(io.stderr, io.env) ? new ProgressBar(io.stderr, 'verifying') : undefined;
  let result;
  try {
    result = await verifyTorrent(t, args.path, {
      resolvePath: await fileLocator(t, args.path),
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
    unavailableFiles: result.unavailable.map((u) => ({ path: displayPath(t, t.files[u.index]!).join('/'), reason: u.reason })),
  };
  if (args.json) io.stdout.write(`${JSON.stringify(json)}\n`);
  else if (json.ok) {
    if (!args.quiet) io.stdout.write(`ok: all ${json.pieceCount} pieces of ${t.name} match\n`);
  } else {
    io.stdout.write(`FAILED: ${badPieces.length} of ${json.pieceCount} pieces of ${t.name} do not match\n`);
    io.stdout.write(`bad pieces: ${ranges(badPieces)}\n`);
    for (const f of json.badFiles) io.stdout.write(`bad file: ${f}\n`);
    for (const u of json.unavailableFiles) io.stdout.write(`cannot read: ${u.path}: ${u.reason}\n`);
  }
  return json.ok ? 0 : 1;
}

type Locate = (f: { path: readonly string[] }) => FileLocation;

/**
 * Where each file is on disk. PATH is what the torrent was made from (the torrent's directory, or
 * the file itself for a single-file torrent) or a directory holding it under its name (a client's
 * save path). When both readings are possible, the one under which more of the torrent's files are
 * present with their sizes wins (ties: the named subdirectory, unless PATH already has the name).
 * Paths are used as they are where that is safe on this platform, else sanitised (metainfo's
 * createFileLocator), so nothing can point outside PATH.
 */
async function fileLocator(t: ParsedTorrent, root: string): Promise<Locate> {
  if (!statSync(root).isDirectory()) {
    // PATH is a file: the single-file torrent's data (a multi-file torrent finds nothing there).
    if (!isMultiFile(t)) return () => root;
    const locate = await createFileLocator(root);
    return (f) => locate(innerPath(t, { path: [...f.path] }));
  }
  const locate = await createFileLocator(root);
  let candidates: Locate[];
  if (isMultiFile(t)) {
    const inner = (f: { path: readonly string[] }): string[] => innerPath(t, { path: [...f.path] });
    const asFolder: Locate = (f) => locate(inner(f));
    if (!isDirectory(locate([t.name]))) return asFolder;
    const asParent: Locate = (f) => locate([t.name, ...inner(f)]);
    candidates = basename(resolve(root)) !== t.name ? [asParent, asFolder] : [asFolder, asParent];
  } else {
    // A single file is saved under its own path (the v2 file tree key, which may differ from the
    // name, as libtorrent does), or under the torrent's name by clients that use that.
    candidates = [(f) => locate(f.path)];
    const file = t.files.find((f) => !f.pad);
    if (file && (file.path.length !== 1 || file.path[0] !== t.name)) candidates.push(() => locate([t.name]));
  }
  if (candidates.length === 1) return candidates[0]!;
  let best = candidates[0]!;
  let bestScore = -1;
  for (const c of candidates) {
    const score = presence(t, c);
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

/** How well `locate` finds the torrent's files: files with the right size first, then files present. */
function presence(t: ParsedTorrent, locate: Locate): number {
  const files = t.files.filter((f) => !f.pad);
  let sized = 0;
  let present = 0;
  for (const f of files) {
    const where = locate(f);
    if (typeof where !== 'string' && !(where instanceof Uint8Array)) continue;
    try {
      const st = statSync(where as string);
      if (!st.isFile()) continue;
      present++;
      if (st.size === f.length) sized++;
    } catch {
      // absent: counts for nothing
    }
  }
  return sized * (files.length + 1) + present;
}

function isDirectory(path: FileLocation): boolean {
  if (typeof path !== 'string' && !(path instanceof Uint8Array)) return false;
  try {
    return statSync(path as string).isDirectory();
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
