// Duplicate paths. A torrent may list the same path twice (clients rename the copies); thousands
// of copies are an attack on the renaming, so past a limit the torrent is rejected, as libtorrent does.
import { MetainfoError } from '../errors.ts';
import type { TorrentFile } from '../types.ts';
import { MAX_NAME_COLLISIONS } from './limits.ts';

/** Throws METAINFO_TOO_MANY_DUPLICATE_FILENAMES when renaming duplicates needs too many tries. */
export function checkDuplicates(files: readonly TorrentFile[]): void {
  if (caseFoldedPaths(files) === undefined) {
    throw new MetainfoError('METAINFO_TOO_MANY_DUPLICATE_FILENAMES', 'too many files share the same path');
  }
}

/**
 * @internal The lowercased path each file gets once duplicates are renamed (`a.1.txt` for a second
 * `a.txt`; pad files keep theirs), or undefined when renaming needs more than the limit of tries.
 */
export function caseFoldedPaths(files: readonly TorrentFile[]): string[] | undefined {
  const taken = new Set<string>();
  // Paths compare without case. Each component is lowercased alone: the same as lowercasing the
  // joined path, because '/' is neither cased nor case-ignorable, so no case rule (final sigma)
  // looks across it.
  const keys: string[] = new Array(files.length);
  // The previous file's directories and their lowercased paths: files of one directory are listed
  // together, so most files add no directory and lowercase only their own name.
  let dirs: readonly string[] = [];
  let dirCount = 0;
  const dirKeys: string[] = [];
  // Directories first, so no file may take a directory's name.
  for (let i = 0; i < files.length; i++) {
    const path = files[i]!.path;
    const depth = path.length - 1;
    let same = 0;
    while (same < depth && same < dirCount && path[same] === dirs[same]) same++;
    for (let d = same; d < depth; d++) {
      const key = d === 0 ? path[0]!.toLowerCase() : `${dirKeys[d - 1]}/${path[d]!.toLowerCase()}`;
      dirKeys[d] = key;
      taken.add(key);
    }
    dirs = path;
    dirCount = depth;
    const name = path[depth]!.toLowerCase();
    keys[i] = depth === 0 ? name : `${dirKeys[depth - 1]}/${name}`;
  }
  let collisions = 0;
  for (let i = 0; i < files.length; i++) {
    if (files[i]!.pad) continue;
    const p = keys[i]!;
    if (!taken.has(p)) {
      taken.add(p);
      continue;
    }
    const slash = p.lastIndexOf('/');
    const dot = p.lastIndexOf('.');
    const cut = dot > slash + 1 ? dot : p.length;
    const base = p.slice(0, cut);
    const ext = p.slice(cut);
    for (let n = 1; ; n++) {
      const candidate = `${base}.${n}${ext}`;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        keys[i] = candidate;
        break;
      }
      if (++collisions > MAX_NAME_COLLISIONS) return undefined;
    }
  }
  return keys;
}
