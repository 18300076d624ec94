// One file entry (BEP 3 `files` element or BEP 52 file tree leaf) with its BEP 47 attributes.
import type { BDict } from '@torrentkit/bencode';
import { MetainfoError } from '../errors.ts';
import type { TorrentFile } from '../types.ts';
import { bytesAt, intAt, listAt } from './fields.ts';
import { MAX_FILE_BLOCKS, MAX_TOTAL_SIZE } from './limits.ts';
import { bytesText } from '../util/text.ts';

/**
 * Where a file entry is, for error messages: its index in `info.files`, its path in the file tree,
 * or text. Made into text only when an error is thrown: a torrent can list millions of files.
 */
export type Where = number | readonly string[] | string;

/** The text of a {@link Where}. */
export function whereText(where: Where): string {
  if (typeof where === 'number') return `files[${where}]`;
  if (typeof where === 'string') return where;
  return `file tree ${JSON.stringify(where.join('/'))}`;
}

/** BEP 47 attribute flags of a file dict. */
export interface Attributes {
  attr: string;
  pad: boolean;
  executable: boolean;
  hidden: boolean;
  symlink: boolean;
}

/** Reads BEP 47 `attr` (a string of flag letters; unknown letters are ignored). */
export function readAttributes(d: BDict): Attributes {
  const raw = bytesAt(d, 'attr');
  const attr = raw === undefined ? '' : bytesText(raw);
  return {
    attr,
    pad: attr.includes('p'),
    executable: attr.includes('x'),
    hidden: attr.includes('h'),
    symlink: attr.includes('l'),
  };
}

/**
 * A file's `length`: symlinks occupy no payload, so theirs is 0 whatever the dict says.
 * Throws METAINFO_INVALID_LENGTH when missing, negative or too large.
 */
export function readLength(d: BDict, symlink: boolean, where: Where): number {
  if (symlink) return 0;
  const length = intAt(d, 'length');
  if (length === undefined || !(length >= 0) || length > MAX_TOTAL_SIZE || Math.floor(length / 16384) >= MAX_FILE_BLOCKS) {
    throw new MetainfoError('METAINFO_INVALID_LENGTH', `${whereText(where)}: length missing, negative or too large`);
  }
  return length;
}

/**
 * A list of path components, after `first` when given; throws METAINFO_INVALID_NAME when one is not
 * a byte string.
 */
export function readComponents(list: readonly unknown[], where: Where, first?: string): string[] {
  const out: string[] = first === undefined ? [] : [first];
  for (const c of list) {
    if (!(c instanceof Uint8Array)) throw new MetainfoError('METAINFO_INVALID_NAME', `${whereText(where)}: path component is not a string`);
    out.push(bytesText(c));
  }
  return out;
}

/** `symlink path` of a symlink, or undefined (BEP 47: without it the entry is not a symlink). */
export function readSymlinkPath(d: BDict, where: Where): string[] | undefined {
  const list = listAt(d, 'symlink path');
  return list === undefined ? undefined : readComponents(list, `${whereText(where)} symlink path`);
}

/** Builds the public file record; `offset` is filled in by the layout pass. */
export function makeFile(path: string[], length: number, a: Attributes, d: BDict, symlinkPath: string[] | undefined): TorrentFile {
  const file: TorrentFile = {
    path,
    length,
    offset: 0,
    attr: a.attr,
    pad: a.pad,
    executable: a.executable,
    hidden: a.hidden,
    symlink: symlinkPath !== undefined,
  };
  if (symlinkPath !== undefined) file.symlinkPath = symlinkPath;
  const sha1 = bytesAt(d, 'sha1');
  if (sha1 !== undefined && sha1.length === 20) file.sha1 = sha1;
  const mtime = intAt(d, 'mtime');
  if (mtime !== undefined && Number.isSafeInteger(mtime)) file.mtime = mtime;
  return file;
}
