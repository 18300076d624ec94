// Lists the files under a path (node:fs adapter). Hidden entries (names starting with `.`) are left
// out unless asked for; symlinks are skipped unless `followSymlinks`, and when followed a directory
// that is already on the current path (a loop) is skipped, so a walk always ends. Paths are
// returned in no particular order: ordering is the builder's job.
// Names that are not UTF-8 are read as bytes and carried as U+DC80..U+DCFF escapes (the convention
// parseTorrent reads such names with), so the torrent holds the raw bytes, as mktorrent writes them.
import { Buffer } from 'node:buffer';
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { fsPath } from '../util/fs-path.ts';
import { bytesText } from '../util/text.ts';
import { FoundFile, hasRawBytes, shownPath, type FoundDir } from './found-file.ts';
import type { Matcher } from './glob.ts';

/** A file found on disk. */

/** Options of {@link walk}. */
export interface WalkOptions {
  includeHidden?: boolean;
  followSymlinks?: boolean;
  exclude?: Matcher;
  signal?: AbortSignal;
}

/** Error codes the walk reports (mapped to MetainfoError by the builder). */
export class WalkFailure extends Error {
  code: 'METAINFO_FILE_MISSING' | 'METAINFO_FILE_UNREADABLE';
  constructor(code: WalkFailure['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** Walk `root` (a file or a directory). Yields to the event loop every 1,000 entries. */
export async function walk(root: string, opts: WalkOptions = {}): Promise<{ isDirectory: boolean; files: FoundFile[] }> {
  let st: Stats;
  try {
    st = statSync(fsPath(root));
  } catch (err) {
    throw failure(err, root);
  }
  if (!st.isDirectory()) {
    if (!st.isFile()) throw new WalkFailure('METAINFO_FILE_UNREADABLE', `${root}: not a regular file or directory`);
    return { isDirectory: false, files: [new FoundFile({ path: root, prefix: '', rel: [] }, undefined, smallInteger(st.size), (st.mode & 0o111) !== 0)] };
  }
  const files: FoundFile[] = [];
  let seen = 0;
  // Real paths of the directories on the current descent, to break symlink loops.
  const ancestors = new Set<string>();
  const visit = async (dir: string, rel: string[]): Promise<void> => {
    const real = opts.followSymlinks ? realpathSync(fsPath(dir), { encoding: 'buffer' }).toString('latin1') : dir;
    if (ancestors.has(real)) return;
    ancestors.add(real);
    // join()'s prefix for a child of `dir`, so a file's path is that plus its name.
    const here: FoundDir = { path: dir, prefix: childPath(dir, ''), rel };
    let entries: Dirent[];
    try {
      entries = readdirSync(fsPath(dir), { withFileTypes: true });
    } catch (err) {
      throw failure(err, dir);
    }
    // Names that are not UTF-8 come back with U+FFFD in them: list such a directory again as bytes.
    const raw = entries.some((e) => e.name.includes('\uFFFD')) ? rawEntries(dir) : undefined;
    const count = raw ? raw.length : entries.length;
    for (let i = 0; i < count; i++) {
      if (++seen % 1000 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        opts.signal?.throwIfAborted();
      }
      const entry = raw ? raw[i]!.type : entries[i]!;
      const name = raw ? raw[i]!.name : entries[i]!.name;
      if (!opts.includeHidden && name.startsWith('.')) continue;
      if (opts.exclude?.(rel.length ? `${rel.join('/')}/${name}` : name)) continue;
      const path = childPath(dir, name);
      if (entry === undefined) {
        throw new WalkFailure(
          'METAINFO_FILE_UNREADABLE',
          `cannot read ${shownPath(path)}: its name is not valid UTF-8 and this runtime cannot read it as bytes; leave it out with an exclude pattern (--exclude)`,
        );
      }
      let stat: Stats;
      if (entry.isSymbolicLink()) {
        if (!opts.followSymlinks) continue;
        try {
          stat = statSync(fsPath(path));
        } catch {
          continue; // a dangling link has no data to hash
        }
      } else if (entry.isFile() || entry.isDirectory()) {
        try {
          stat = statSync(fsPath(path));
        } catch (err) {
          throw failure(err, path);
        }
      } else {
        continue; // sockets, FIFOs, devices: not content
      }
      if (stat.isDirectory()) await visit(path, [...rel, name]);
      else if (stat.isFile()) files.push(new FoundFile(here, name, smallInteger(stat.size), (stat.mode & 0o111) !== 0));
    }
    ancestors.delete(real);
  };
  await visit(root, []);
  return { isDirectory: true, files };
}

/**
 * Default torrent name for a walked root: the last component of its absolute path, so `.` and `..`
 * are named after the directories they stand for. `''` for a file system root.
 */
export function rootName(root: string): string {
  return basename(resolve(root));
}

/**
 * `join(dir, name)`. By hand when escaped bytes are involved: Bun's node:path turns lone surrogates
 * into U+FFFD (and such a `dir` was made here, so is already normal).
 */
function childPath(dir: string, name: string): string {
  if (!hasRawBytes(dir) && !hasRawBytes(name)) return name === '' ? join(dir, '_').slice(0, -1) : join(dir, name);
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/**
 * A directory's entries read as bytes, with their types (lstat: Bun's `withFileTypes` listing has
 * no byte names). Deno's node:fs gives back U+FFFD for such bytes, so the file cannot be found
 * again: its type is undefined, and the walk reports it unless it is left out.
 */
function rawEntries(dir: string): Array<{ name: string; type: Stats | undefined }> {
  let names: Buffer[];
  try {
    names = readdirSync(fsPath(dir), { encoding: 'buffer' });
  } catch (err) {
    throw failure(err, dir);
  }
  const out: Array<{ name: string; type: Stats | undefined }> = [];
  for (const bytes of names) {
    const name = bytesText(bytes);
    const path = childPath(dir, name);
    try {
      out.push({ name, type: lstatSync(fsPath(path)) });
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw failure(err, path);
      // Removed since the listing (nothing to hash), or a name this runtime lost.
      if (name.includes('\uFFFD')) out.push({ name, type: undefined });
    }
  }
  return out;
}

function failure(err: unknown, path: string): WalkFailure {
  const code = (err as { code?: string }).code === 'ENOENT' ? 'METAINFO_FILE_MISSING' : 'METAINFO_FILE_UNREADABLE';
  // node:fs quotes the path it was given (bytes as U+FFFD): name it as it is instead.
  const why = hasRawBytes(path) ? String((err as { code?: string }).code ?? (err as Error).message) : (err as Error).message;
  return new WalkFailure(code, `${shownPath(path)}: ${why}`);
}

/**
 * A size from fs.stat as V8's small integer when it fits. Stat values come out of a Float64Array as
 * boxed doubles; stored as they are, every file record (and every offset summed from them) gets a
 * 16-byte box of its own: about 5 MB of the heap for 100,000 files.
 */
function smallInteger(n: number): number {
  return n <= 0x3fffffff ? n | 0 : n;
}
