// `create-torrent PATH [options]`: wire the options into metainfo's createTorrent, draw progress,
// write the result atomically and print what was made. All torrent logic lives in metainfo.

import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { compileExcludes, createTorrent, MetainfoError, startHashWorkers } from '@torrentkit/metainfo';
import type { CreateArgs } from '../args.ts';
import { CliError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { outputInside } from '../output-inside.ts';
import { printable } from '../printable.ts';
import { ProgressBar, wantProgress } from '../progress.ts';
import { createdFacts, createdJson, createSummary, type CreateMeta } from '../summary.ts';
import { createdBy } from '../version.ts';
import { checkOutputDirectory, checkWritable, writeFileAtomic } from '../write-file.ts';
import { keepYoungGenerationSmall } from '../young-generation.ts';

export async function runCreate(args: CreateArgs, io: Io): Promise<number> {
  checkExcludes(args.exclude);
  checkInput(args.path);
  const toStdout = args.output === '-';
  if (toStdout && args.json) throw usageError('--json cannot be combined with -o - (both use stdout)');
  // Name from the resolved path, so `create-torrent .` and `dir/` get the directory's own name.
  const name = args.name ?? (basename(resolve(args.path)) || 'torrent');
  const fileName = `${name.replace(/[/\\]/g, '_')}.torrent`;
  const output = toStdout ? null : outputPath(args.output, fileName);
  // Refuse before hashing, so a mistake costs nothing; writeFileAtomic checks again at the end.
  if (output !== null) checkWritable(output, args.force);
  const exclude = [...args.exclude];
  const inside = output !== null ? outputInside(args.path, output) : undefined;
  if (inside !== undefined) {
    // Else a second run would put the first run's torrent into the new one (and -f would hash the
    // file it is about to replace): the output and our temporary files are never content.
    exclude.push(...inside);
    if (!args.quiet) io.stderr.write(`create-torrent: leaving out ${printable(output!)}: the output is inside ${printable(args.path)}\n`);
  }

  const meta: CreateMeta = {
    trackers: args.trackers,
    webSeeds: args.webSeeds,
    private: args.private,
    source: args.source,
    comment: args.comment,
    createdBy: args.createdBy ? createdBy() : null,
    // Fixed here rather than left to the builder, so the summary can show the value written.
    creationDate: args.date ? Math.floor(Date.now() / 1000) : null,
  };
  const bar = !args.quiet && wantProgress(io.stderr, io.env) ? new ProgressBar(io.stderr, 'hashing') : undefined;
  let created;
  // Started here rather than by createTorrent, so the young-generation limit outlives their start.
  const workers = startHashWorkers(args.threads);
  keepYoungGenerationSmall(workers);
  try {
    created = await createTorrent(args.path, {
      version: args.version,
      pieceLength: args.pieceLength,
      maxPieceLength: args.maxPieceLength,
      name,
      announce: args.trackers,
      urlList: args.webSeeds,
      private: args.private,
      source: args.source,
      comment: args.comment,
      createdBy: meta.createdBy,
      creationDate: meta.creationDate,
      includeHidden: args.includeHidden,
      followSymlinks: args.followSymlinks,
      exclude,
      threads: args.threads,
      workers,
      signal: io.signal,
      onProgress: bar
        ? (p) => bar.update({ bytesDone: p.bytes, bytesTotal: p.totalBytes, piecesDone: p.pieces, piecesTotal: p.totalPieces })
        : undefined,
    });
  } catch (err) {
    throw explain(err, args.path);
  } finally {
    bar?.done();
    await workers.close();
  }

  if (output === null) {
    io.stdout.write(created.torrent);
    if (!args.quiet) io.stderr.write(createSummary(createdFacts(created, meta), null));
    return 0;
  }
  writeFileAtomic(output, created.torrent, args.force);
  if (args.json) io.stdout.write(`${JSON.stringify({ ...createdJson(created, meta), output })}\n`);
  else if (!args.quiet) io.stdout.write(createSummary(createdFacts(created, meta), output));
  return 0;
}

/**
 * Where to write: NAME.torrent in the cwd by default; `-o DIR` (an existing directory, or any path
 * ending in a separator, which must then be an existing directory) means NAME.torrent inside it.
 */
function outputPath(option: string | undefined, fileName: string): string {
  if (option === undefined) return fileName;
  const dirMeant = option.endsWith('/') || (process.platform === 'win32' && option.endsWith('\\'));
  if (dirMeant || isDirectory(option)) {
    checkOutputDirectory(option);
    return join(option, fileName);
  }
  return option;
}

/**
 * Each --exclude pattern compiled on its own before anything is read, so a bad one is a usage error
 * that names it rather than a failure after the walk has started.
 */
function checkExcludes(patterns: readonly string[]): void {
  for (const p of patterns) {
    try {
      compileExcludes([p]);
    } catch (err) {
      const why = err instanceof MetainfoError ? err.message : 'not a valid pattern (check its [...] classes)';
      throw usageError(`--exclude '${p}': ${why.split('\n')[0]}`);
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function checkInput(path: string): void {
  try {
    statSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError('CLI_MISSING_PATH', `no such file or directory: ${path}`);
    if (code === 'EACCES' || code === 'EPERM') throw new CliError('CLI_UNREADABLE', `permission denied: ${path}`);
    throw err;
  }
}

/** Rephrase builder errors that have a better one-line explanation at the command line. */
function explain(err: unknown, path: string): unknown {
  if (!(err instanceof MetainfoError)) return err;
  switch (err.code as string) {
    case 'METAINFO_NO_FILES':
      return new CliError('CLI_EMPTY', `${path}: no files to put in the torrent (empty, or everything hidden or excluded; see --include-hidden, --exclude)`);
    case 'METAINFO_INVALID_LENGTH':
      return new CliError('CLI_EMPTY', `${path}: every file is empty, nothing to hash`);
    case 'METAINFO_FILE_UNREADABLE':
    case 'METAINFO_FILE_MISSING':
      // "PATH: EACCES: permission denied, open 'PATH'" -> "cannot read PATH: permission denied"
      return new CliError(err.code, `cannot read ${err.message.replace(/: E[A-Z]+: ([^,]+), .*$/, ': $1')}`);
    default:
      return new CliError(err.code, err.message);
  }
}
