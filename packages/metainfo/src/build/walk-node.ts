// Lists the files under a path (node:fs adapter). Hidden entries (names starting with `.`) are left
// out unless asked for; symlinks are skipped unless `followSymlinks`, and when followed a directory
// that is already on the current path (a loop) is skipped, so a walk always ends. Paths are
// returned in no particular order: ordering is the builder's job.
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import type { FoundDir, FoundFile } from './found-file.ts';
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
    st = statSync(root);
  } catch (err) {
    throw failure(err, root);
  }
  if (!st.isDirectory()) {
    if (!st.isFile()) throw new WalkFailure('METAINFO_FILE_UNREADABLE', `${root}: not a regular file or directory`);
    return { isDirectory: false, files: [{ dir: { path: root, prefix: '', rel: [] }, name: undefined, length: smallInteger(st.size), executable: (st.mode & 0o111) !== 0 }] };
  }
  const files: FoundFile[] = [];
  let seen = 0;
  // Real paths of the directories on the current descent, to break symlink loops.
  const ancestors = new Set<string>();
  const visit = async (dir: string, rel: string[]): Promise<void> => {
    const real = opts.followSymlinks ? realpathSync(dir) : dir;
    if (ancestors.has(real)) return;
    ancestors.add(real);
    // join()'s prefix for a child of `dir`, so a file's path is that plus its name.
    const here: FoundDir = { path: dir, prefix: join(dir, '_').slice(0, -1), rel };
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw failure(err, dir);
    }
    for (const entry of entries) {
      if (++seen % 1000 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        opts.signal?.throwIfAborted();
      }
      const name = entry.name;
      if (!opts.includeHidden && name.startsWith('.')) continue;
      if (opts.exclude?.(rel.length ? `${rel.join('/')}/${name}` : name)) continue;
      const path = join(dir, name);
      let stat: Stats;
      if (entry.isSymbolicLink()) {
        if (!opts.followSymlinks) continue;
        try {
          stat = statSync(path);
        } catch {
          continue; // a dangling link has no data to hash
        }
      } else if (entry.isFile() || entry.isDirectory()) {
        try {
          stat = statSync(path);
        } catch (err) {
          throw failure(err, path);
        }
      } else {
        continue; // sockets, FIFOs, devices: not content
      }
      if (stat.isDirectory()) await visit(path, [...rel, name]);
      else if (stat.isFile()) files.push({ dir: here, name, length: smallInteger(stat.size), executable: (stat.mode & 0o111) !== 0 });
    }
    ancestors.delete(real);
  };
  await visit(root, []);
  return { isDirectory: true, files };
}

/** Default torrent name for a walked root. */
export function rootName(root: string): string {
  return basename(root.replace(/[\\/]+$/, '')) || basename(realpathSync(root));
}

function failure(err: unknown, path: string): WalkFailure {
  const code = (err as { code?: string }).code === 'ENOENT' ? 'METAINFO_FILE_MISSING' : 'METAINFO_FILE_UNREADABLE';
  return new WalkFailure(code, `${path}: ${(err as Error).message}`);
}

/**
 * A size from fs.stat as V8's small integer when it fits. Stat values come out of a Float64Array as
 * boxed doubles; stored as they are, every file record (and every offset summed from them) gets a
 * 16-byte box of its own: about 5 MB of the heap for 100,000 files.
 */
function smallInteger(n: number): number {
  return n <= 0x3fffffff ? n | 0 : n;
}
