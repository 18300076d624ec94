// Writes the `info` dict straight from the file list and hashes (pure). v1 (BEP 3): `length` or
// `files` + `pieces`; v2 (BEP 52): `file tree` and `meta version` 2; hybrid: both, the v1 list carrying
// BEP 47 pad files (`attr` "p", path `.pad/<size>`) that align every file to a piece boundary, after
// the last file too (as libtorrent writes them). Entries are streamed into a BencodeSink one file at
// a time, so a torrent of many files costs a few short-lived objects per file instead of a tree.
import { metainfoError } from '../hash/errors.ts';
import { BencodeSink } from './bencode-sink.ts';
import { compareUtf8 } from './order.ts';

/** A file as it appears in the built torrent. */
export interface BuiltFile {
  /** Path components below the torrent name (`[]` for a single-file torrent). */
  path: string[];
  length: number;
}

/** The info-dict fields besides the files. */
export interface InfoFields {
  version: 'v1' | 'v2' | 'hybrid';
  name: string;
  pieceLength: number;
  /** Single-file torrent: `length` instead of `files`, file tree holding just `name`. */
  single: boolean;
  private?: boolean;
  source?: string;
}

/**
 * The files, in torrent order (as {@link sortByPath} orders them for the version), read by index so
 * the caller needs no per-file objects.
 */
export interface InfoFiles {
  count: number;
  /** Number of path components of file `i` below the torrent name. */
  components(i: number): number;
  /** Component `k` of file `i`'s path. */
  component(i: number, k: number): string;
  length(i: number): number;
  /** Zero bytes after file `i` in a hybrid (its BEP 47 pad file), else 0. */
  padAfter(i: number): number;
  /** The file's BEP 52 `pieces root` (absent for empty files and in v1). */
  piecesRoot(i: number): Uint8Array | undefined;
}

/** Write the `info` dict into `sink`; `pieces` is the v1 piece hashes (unused for v2). */
export function writeInfo(sink: BencodeSink, files: InfoFiles, pieces: Uint8Array, f: InfoFields): void {
  // Keys in byte order: "file tree" < "files" < "length" < "meta version" < "name" < "piece length"
  // < "pieces" < "private" < "source".
  sink.start('d');
  if (f.version !== 'v1') {
    sink.string('file tree');
    writeFileTree(sink, files, f);
  }
  if (f.version !== 'v2') {
    if (f.single) {
      sink.string('length');
      sink.integer(files.length(0));
    } else {
      sink.string('files');
      writeFileList(sink, files, f.version === 'hybrid');
    }
  }
  if (f.version !== 'v1') {
    sink.string('meta version');
    sink.integer(2);
  }
  sink.string('name');
  sink.string(f.name);
  sink.string('piece length');
  sink.integer(f.pieceLength);
  if (f.version !== 'v2') {
    sink.string('pieces');
    sink.value(pieces);
  }
  if (f.private) {
    sink.string('private');
    sink.integer(1);
  }
  if (f.source !== undefined && f.source !== '') {
    sink.string('source');
    sink.string(f.source);
  }
  sink.end();
}

/** The encoded `info` dict in one buffer (see {@link writeInfo}). */
export function encodeInfo(files: InfoFiles, pieces: Uint8Array, f: InfoFields): Uint8Array {
  return BencodeSink.encode((sink) => writeInfo(sink, files, pieces, f));
}

function writeFileList(sink: BencodeSink, files: InfoFiles, pads: boolean): void {
  sink.start('l');
  for (let i = 0; i < files.count; i++) {
    // { length, path } and a pad's { attr: 'p', length, path: ['.pad', size] }, keys in order.
    sink.start('d');
    sink.string('length');
    sink.integer(files.length(i));
    sink.string('path');
    sink.start('l');
    for (let k = 0, n = files.components(i); k < n; k++) sink.string(files.component(i, k));
    sink.end();
    sink.end();
    const pad = pads ? files.padAfter(i) : 0;
    if (pad > 0) {
      sink.start('d');
      sink.string('attr');
      sink.string('p');
      sink.string('length');
      sink.integer(pad);
      sink.string('path');
      sink.start('l');
      sink.string('.pad');
      sink.decimalString(pad);
      sink.end();
      sink.end();
    }
  }
  sink.end();
}

/**
 * BEP 52 `file tree`: one dict per directory, keys in byte order at every level. Files arrive in
 * component order, so the tree is written depth first, opening and closing directory dicts as the
 * paths change. A key that does not sort after the previous one at its level means two entries share
 * a path (a file that is also a directory): an error, not a torrent no client could lay out.
 */
function writeFileTree(sink: BencodeSink, files: InfoFiles, f: InfoFields): void {
  const open: string[] = []; // directories currently open, outermost first
  const last: string[] = []; // last key written at each open level
  // A single-file torrent's tree holds just its name.
  const count = f.single ? () => 1 : (i: number) => files.components(i);
  const at = f.single ? () => f.name : (i: number, k: number) => files.component(i, k);
  const key = (i: number, depth: number): void => {
    const name = at(i, depth);
    if (depth < last.length && compareUtf8(last[depth]!, name) >= 0) {
      const path = Array.from({ length: depth + 1 }, (_, k) => at(i, k)).join('/');
      throw metainfoError('METAINFO_INVALID_INPUT', `torrent path ${path} is used twice (as a file and as a directory?)`);
    }
    last[depth] = name;
    last.length = depth + 1;
    sink.string(name);
  };
  sink.start('d');
  for (let i = 0; i < files.count; i++) {
    const dirs = count(i) - 1;
    let same = 0;
    // Same directory when the names encode to the same bytes (two spellings can: see compareUtf8).
    while (same < open.length && same < dirs && compareUtf8(open[same]!, at(i, same)) === 0) same++;
    while (open.length > same) {
      sink.end();
      open.pop();
    }
    for (let d = same; d < dirs; d++) {
      key(i, d);
      sink.start('d');
      open.push(at(i, d));
    }
    key(i, dirs);
    const length = files.length(i);
    const root = length > 0 ? files.piecesRoot(i) : undefined;
    // { '': { length, 'pieces root' } }
    sink.start('d');
    sink.string('');
    sink.start('d');
    sink.string('length');
    sink.integer(length);
    if (root) {
      sink.string('pieces root');
      sink.value(root);
    }
    sink.end();
    sink.end();
  }
  for (let d = open.length; d >= 0; d--) sink.end();
}
