// BEP 52 `file tree`: nested dicts keyed by path component; a leaf is `{ "": { length, pieces root } }`.
// Files come in bytewise key order, which is the order BEP 52 lays them out in.
import type { BDict } from '@torrentkit/bencode';
import { MetainfoError } from '../errors.ts';
import type { TorrentFile } from '../types.ts';
import { compareKeys } from '../util/text.ts';
import { bytesAt, isDict, keysOf } from './fields.ts';
import { makeFile, readAttributes, readLength, readSymlinkPath, whereText } from './file-entry.ts';

const MAX_TREE_DEPTH = 100;

/**
 * Files of a v2 file tree. `singleFile` is decided as libtorrent does: one top-level leaf and no
 * v1 `files` list means the tree key is the file's whole path.
 */
export function readFileTree(tree: BDict, name: string, hasFileList: boolean): TorrentFile[] {
  const files: TorrentFile[] = [];
  walk(tree, [], 0, name, hasFileList, files);
  return files;
}

function isLeaf(node: BDict): boolean {
  const keys = keysOf(node);
  return keys.length === 1 && keys[0] === '';
}

function walk(node: BDict, dir: string[], depth: number, name: string, hasFileList: boolean, out: TorrentFile[]): void {
  if (depth > MAX_TREE_DEPTH) throw new MetainfoError('METAINFO_INVALID_FILE_TREE', 'file tree nested too deep');
  // JS objects list integer-like keys first; the tree's order is the bytewise order of its keys.
  const keys = keysOf(node).sort(compareKeys);
  for (const key of keys) {
    const child = node[key];
    if (key === '' || !isDict(child)) {
      throw new MetainfoError('METAINFO_INVALID_FILE_TREE', `file tree entry ${JSON.stringify([...dir, key].join('/'))} is malformed`);
    }
    if (isLeaf(child)) {
      const single = depth === 0 && !hasFileList && keys.length === 1;
      const path = single ? [key] : [name, ...dir, key];
      out.push(readLeaf(child[''], path));
    } else {
      walk(child, [...dir, key], depth + 1, name, hasFileList, out);
    }
  }
}

function readLeaf(d: unknown, path: string[]): TorrentFile {
  const where = path;
  if (!isDict(d as never)) throw new MetainfoError('METAINFO_INVALID_FILE_TREE', `${whereText(where)} is not a dictionary`);
  const dict = d as BDict;
  const a = readAttributes(dict);
  // BEP 52 aligns every file to a piece boundary itself, so pad files have no place in a tree.
  if (a.pad) throw new MetainfoError('METAINFO_INVALID_PAD_FILE', `${whereText(where)} is marked as a pad file`);
  const length = readLength(dict, a.symlink, where);
  const symlinkPath = a.symlink ? readSymlinkPath(dict, where) : undefined;
  const file = makeFile(path, length, a, dict, symlinkPath);
  if (symlinkPath === undefined && length > 0) {
    const root = bytesAt(dict, 'pieces root');
    if (root === undefined || root.length !== 32 || root.every((b) => b === 0)) {
      throw new MetainfoError('METAINFO_MISSING_PIECES_ROOT', `${whereText(where)} has no valid pieces root`);
    }
    file.piecesRoot = root;
  }
  return file;
}
