// BEP 3 file list: `info.files` (multi-file) or `info.length` (single file), with BEP 47 pad files.
import type { BDict, BValue } from '@torrentkit/bencode';
import { MetainfoError } from '../errors.ts';
import type { TorrentFile } from '../types.ts';
import { isDict, listAt } from './fields.ts';
import { makeFile, readAttributes, readComponents, readLength, readSymlinkPath, whereText } from './file-entry.ts';

/** The single file of a torrent without `files`: its path is `[name]`. */
export function readSingleFile(info: BDict, name: string): TorrentFile {
  if (name === '') throw new MetainfoError('METAINFO_MISSING_NAME', 'single-file torrent with an empty name');
  const a = readAttributes(info);
  const length = readLength(info, a.symlink, 'info');
  return makeFile([name], length, a, info, a.symlink ? readSymlinkPath(info, 'info') : undefined);
}

/** The entries of `info.files`, each path prefixed with the torrent name. */
export function readFileList(list: BValue[], name: string): TorrentFile[] {
  const files: TorrentFile[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (!isDict(entry)) throw new MetainfoError('METAINFO_INVALID_FILE_LIST', `${whereText(i)} is not a dictionary`);
    const a = readAttributes(entry);
    // Symlinks take no payload space (BEP 47); libtorrent decides this from `attr` alone.
    const length = readLength(entry, a.symlink, i);
    let pathList = listAt(entry, 'path.utf-8');
    if (pathList === undefined || pathList.length === 0) pathList = listAt(entry, 'path');
    let path: string[];
    if (pathList !== undefined && pathList.length > 0) {
      path = readComponents(pathList, i, name);
    } else if (a.pad) {
      // BEP 47 allows pad files without a path; give them the conventional one.
      path = [name, '.pad', String(length)];
    } else {
      throw new MetainfoError('METAINFO_MISSING_NAME', `${whereText(i)} has no path`);
    }
    // BitComet marks pad files by name only (the torrent name, path[0], does not count).
    if (!a.pad) for (let k = 1; k < path.length; k++) if (path[k]!.includes('_____padding_file_')) a.pad = true;
    const symlinkPath = a.symlink ? readSymlinkPath(entry, i) : undefined;
    files.push(makeFile(path, length, a, entry, symlinkPath));
  }
  return files;
}
