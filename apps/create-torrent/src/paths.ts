// Where a torrent's files live relative to the directory a user points at. A multi-file torrent
// keeps its files below a directory called `name`; a single-file torrent is the file `name`.
//
// parseTorrent currently returns multi-file paths with `name` as their first component (as
// libtorrent and Transmission list them), while its types.ts documents paths below the name and
// verifyTorrent joins them onto the root as if they were below it. Until that is settled in
// metainfo, this module normalises both forms, so `show` lists `name/dir/file` and `verify` finds
// `root/dir/file` whichever form parseTorrent returns.

import type { ParsedTorrent, TorrentFile } from '@torrentkit/metainfo';

/** True for a torrent whose files sit in a directory (v1 `files` list, or a v2 tree below the name). */
export function isMultiFile(t: ParsedTorrent): boolean {
  if (t.info['files'] !== undefined) return true;
  const tree = t.info['file tree'];
  if (t.version === 'v2' && tree !== null && typeof tree === 'object' && !(tree instanceof Uint8Array)) {
    const keys = Object.keys(tree);
    if (keys.length !== 1) return true;
    const child = (tree as Record<string, unknown>)[keys[0]!];
    return !(child !== null && typeof child === 'object' && '' in (child as object));
  }
  return false;
}

/** Path components of `f` below the torrent's directory (multi-file), or `[name]` (single-file). */
export function innerPath(t: ParsedTorrent, f: Pick<TorrentFile, 'path'>): string[] {
  if (!isMultiFile(t)) return [...f.path];
  return prefixed(t) ? f.path.slice(1) : [...f.path];
}

/** The path a client saves `f` under: `name/dir/file` for multi-file torrents, `name` for single-file. */
export function displayPath(t: ParsedTorrent, f: Pick<TorrentFile, 'path'>): string[] {
  return isMultiFile(t) ? [t.name, ...innerPath(t, f)] : [...f.path];
}

const prefixCache = new WeakMap<ParsedTorrent, boolean>();

function prefixed(t: ParsedTorrent): boolean {
  let p = prefixCache.get(t);
  if (p === undefined) {
    const real = t.files.filter((f) => !f.pad);
    p = real.length > 0 && real.every((f) => f.path.length >= 2 && f.path[0] === t.name);
    prefixCache.set(t, p);
  }
  return p;
}
