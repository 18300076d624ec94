// Duplicate paths. A torrent may list the same path twice (clients rename the copies); thousands
// of copies are an attack on the renaming, so past a limit the torrent is rejected, as libtorrent does.
import { MetainfoError } from '../errors.ts';
import type { TorrentFile } from '../types.ts';
import { MAX_NAME_COLLISIONS } from './limits.ts';

/** Throws METAINFO_TOO_MANY_DUPLICATE_FILENAMES when renaming duplicates needs too many tries. */
export function checkDuplicates(files: readonly TorrentFile[]): void {
  const taken = new Set<string>();
  // Directories first, so no file may take a directory's name.
  for (const f of files) {
    for (let i = 1; i < f.path.length; i++) taken.add(f.path.slice(0, i).join('/').toLowerCase());
  }
  let collisions = 0;
  for (const f of files) {
    if (f.pad) continue;
    const p = f.path.join('/').toLowerCase();
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
        break;
      }
      if (++collisions > MAX_NAME_COLLISIONS) {
        throw new MetainfoError('METAINFO_TOO_MANY_DUPLICATE_FILENAMES', 'too many files share the same path');
      }
    }
  }
}
