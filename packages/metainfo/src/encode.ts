// Writing a torrent: the canonical bencoding (BEP 3) of the typed fields, the `info` dict copied
// verbatim when its original bytes are known (the info hash must never change on a re-encode),
// and unknown keys kept. A canonical torrent parsed and written back comes out byte-identical.
import { encode, type BDict, type BValue } from '@torrentkit/bencode';
import { MetainfoError } from './errors.ts';
import { readAnnounce, readAnnounceList, readUrlList } from './parse/trackers.ts';
import { bytesAt, isDict, listAt } from './parse/fields.ts';
import { readComment, readCreatedBy, readCreationDate } from './parse/top-level.ts';
import type { TorrentFileInput, TorrentInput, TorrentVersion } from './types.ts';
import { fromHex, toHex } from './util/hex.ts';
import { bytesText, compareKeys, displayText, textBytes } from './util/text.ts';

const INFO_KEYS = ['name', 'piece length', 'pieces', 'files', 'length', 'file tree', 'meta version', 'private', 'source', 'attr', 'symlink path', 'sha1', 'mtime'];
const OUTER_KEYS = ['info', 'announce', 'announce-list', 'url-list', 'comment', 'created by', 'creation date', 'piece layers'];

function bad(message: string): MetainfoError {
  return new MetainfoError('METAINFO_INVALID_INPUT', message);
}

function without(d: BDict | undefined, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (d) for (const k of Object.keys(d)) if (!keys.includes(k)) out[k] = d[k];
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function versionOf(t: TorrentInput): TorrentVersion {
  if (t.version) return t.version;
  const v2 = t.files.some((f) => f.piecesRoot !== undefined);
  return v2 ? (t.pieces !== undefined ? 'hybrid' : 'v2') : 'v1';
}

function isSingleFile(t: TorrentInput): boolean {
  return t.files.length === 1 && t.files[0]!.path.length === 1;
}

/** BEP 47 attr string of a file: its `attr` when given, else the flags in canonical order. */
function attrOf(f: TorrentFileInput): string {
  if (f.attr !== undefined) return f.attr;
  return `${f.pad ? 'p' : ''}${f.executable ? 'x' : ''}${f.hidden ? 'h' : ''}${f.symlink ? 'l' : ''}`;
}

/**
 * The keys a file contributes to its v1 `files` entry or v2 tree leaf (not `path`). `original` is
 * the file's entry in the info dict it was parsed from, if known.
 */
function fileKeys(f: TorrentFileInput, v2: boolean, original?: BDict): Record<string, unknown> {
  const d: Record<string, unknown> = Object.create(null);
  const attr = attrOf(f);
  if (attr !== '') d['attr'] = attr;
  // A symlink's length means nothing (the parser reads 0 whatever is there): libtorrent writes 0,
  // hand-made torrents leave it out or write the target's size. An original entry's key (or its
  // absence) is kept so a rebuilt info dict hashes the same.
  if (f.symlinkPath !== undefined && original !== undefined && isSymlinkEntry(original)) {
    if (original['length'] !== undefined) d['length'] = original['length'];
  } else d['length'] = f.length;
  if (f.mtime !== undefined) d['mtime'] = f.mtime;
  if (f.sha1 !== undefined && !v2) d['sha1'] = f.sha1;
  if (f.symlinkPath !== undefined) d['symlink path'] = [...f.symlinkPath];
  if (v2 && f.piecesRoot !== undefined && f.length > 0) d['pieces root'] = f.piecesRoot;
  return d;
}

/** An entry the parser reads as a BEP 47 symlink: `l` in `attr` and a `symlink path` list. */
function isSymlinkEntry(d: BDict): boolean {
  const attr = bytesAt(d, 'attr');
  return attr !== undefined && attr.includes(0x6c) && listAt(d, 'symlink path') !== undefined;
}

/**
 * The original entries of a parsed info dict, found by a file's path (as the parser reads it: `[name]`
 * for a single file, else `[name, ...components]`), for the symlinks only: nothing else needs them.
 */
function originalEntries(info: BDict | undefined, single: boolean, v2: boolean): (f: TorrentFileInput) => BDict | undefined {
  if (info === undefined) return () => undefined;
  if (v2) {
    const tree = info['file tree'];
    return (f) => {
      let node: BValue | undefined = tree;
      for (const part of single ? f.path : f.path.slice(1)) node = isDict(node) ? node[part] : undefined;
      const leaf = isDict(node) ? node[''] : undefined;
      return isDict(leaf) ? leaf : undefined;
    };
  }
  if (single) return () => info;
  let byPath: Map<string, BDict> | undefined;
  return (f) => {
    if (f.symlinkPath === undefined) return undefined;
    if (byPath === undefined) {
      byPath = new Map();
      for (const entry of listAt(info, 'files') ?? []) {
        if (!isDict(entry) || !isSymlinkEntry(entry)) continue;
        let list = listAt(entry, 'path.utf-8');
        if (list === undefined || list.length === 0) list = listAt(entry, 'path');
        if (list === undefined || !list.every((c) => c instanceof Uint8Array)) continue;
        byPath.set(JSON.stringify((list as Uint8Array[]).map(bytesText)), entry);
      }
    }
    return byPath.get(JSON.stringify(f.path.slice(1)));
  };
}

function checkFile(f: TorrentFileInput, i: number): void {
  if (!Array.isArray(f.path) || f.path.length === 0 || f.path.some((c) => typeof c !== 'string')) {
    throw bad(`files[${i}].path must be a non-empty list of strings`);
  }
  if (!Number.isSafeInteger(f.length) || f.length < 0) throw bad(`files[${i}].length must be a non-negative integer`);
}

/** The `file tree` of a v2/hybrid torrent: pad files left out (BEP 52 aligns by itself). */
function fileTree(t: TorrentInput, single: boolean): Record<string, unknown> {
  const tree: Record<string, unknown> = Object.create(null);
  const original = originalEntries(t.info, single, true);
  for (const f of t.files) {
    if (f.pad) continue;
    const parts = single ? [...f.path] : f.path.slice(1);
    let node = tree;
    for (const dir of parts.slice(0, -1)) {
      let next = node[dir] as Record<string, unknown> | undefined;
      if (next === undefined) {
        next = Object.create(null) as Record<string, unknown>;
        node[dir] = next;
      }
      node = next;
    }
    const leaf: Record<string, unknown> = Object.create(null);
    leaf[''] = fileKeys(f, true, f.symlinkPath === undefined ? undefined : original(f));
    node[parts[parts.length - 1]!] = leaf;
  }
  return tree;
}

/** The `info` dict built from the typed fields (plus unknown keys of `t.info`). */
function buildInfo(t: TorrentInput): Uint8Array {
  if (typeof t.name !== 'string') throw bad('name must be a string');
  if (!Number.isSafeInteger(t.pieceLength) || t.pieceLength <= 0) throw bad('pieceLength must be a positive integer');
  if (!Array.isArray(t.files) || t.files.length === 0) throw bad('a torrent needs at least one file');
  t.files.forEach(checkFile);
  const version = versionOf(t);
  const single = isSingleFile(t);
  if (single ? t.files[0]!.path[0] !== t.name : t.files.some((f) => f.path.length < 2 || f.path[0] !== t.name)) {
    throw bad('file paths must be [name] (single file) or [name, ...components] (multi-file)');
  }
  const info = without(t.info, INFO_KEYS);
  info['name'] = t.name;
  // The parser prefers `name.utf-8`; drop a stale one so the written name is the one read back.
  const nameUtf8 = t.info === undefined ? undefined : bytesAt(t.info, 'name.utf-8');
  if (nameUtf8 !== undefined && displayText(nameUtf8) !== t.name) delete info['name.utf-8'];
  info['piece length'] = t.pieceLength;
  if (version !== 'v2') {
    if (!(t.pieces instanceof Uint8Array) || t.pieces.length % 20 !== 0) throw bad('v1 and hybrid torrents need pieces (20 bytes each)');
    info['pieces'] = t.pieces;
    const original = originalEntries(t.info, single, false);
    if (single) Object.assign(info, fileKeys(t.files[0]!, false, original(t.files[0]!)));
    else {
      info['files'] = t.files.map((f) => {
        const d = fileKeys(f, false, original(f));
        d['path'] = f.path.slice(1);
        return d;
      });
    }
  }
  if (version !== 'v1') {
    if (t.files.some((f) => !f.pad && f.length > 0 && f.symlinkPath === undefined && !(f.piecesRoot instanceof Uint8Array && f.piecesRoot.length === 32))) {
      throw bad('every non-empty v2 file needs a 32-byte piecesRoot');
    }
    info['meta version'] = 2;
    info['file tree'] = fileTree(t, single);
  }
  if (t.private) info['private'] = 1;
  if (t.source !== undefined) info['source'] = t.source;
  return encode(info);
}

function encodeKey(key: string): Uint8Array {
  return encode(key);
}

/**
 * Serialises a torrent canonically (keys sorted by bytes, shortest integers).
 *
 * - `infoBytes`, when present, is written verbatim as the `info` value, so the info hash is the
 *   one the torrent was parsed with; without it the info dict is built from the typed fields.
 * - Every top-level field keeps its original bytes when its typed value still means the same,
 *   so `encodeTorrent(parseTorrent(bytes))` equals `bytes` for a canonical torrent.
 * - Keys without a typed field (in `raw` and `info`) are kept.
 *
 * @throws {MetainfoError} `METAINFO_INVALID_INPUT` when the fields cannot make a torrent.
 */
export function encodeTorrent(t: TorrentInput): Uint8Array {
  const infoBytes = t.infoBytes instanceof Uint8Array ? t.infoBytes : buildInfo(t);
  const raw = t.raw ?? (Object.create(null) as BDict);
  const outer = without(raw, OUTER_KEYS);
  // `same`: the typed value is what the parser reads from `raw`, so raw's bytes (or raw's lack of
  // the key, as when only `comment.utf-8` is there) stay as they are.
  const keep = (key: string, same: boolean, value: unknown): void => {
    if (same) {
      if (raw[key] !== undefined) outer[key] = raw[key];
    } else if (value !== undefined) outer[key] = value;
  };

  keep('announce', readAnnounce(raw) === t.announce, t.announce);
  const tiers = (t.announceList ?? []).map((tier) => [...tier]).filter((tier) => tier.length > 0);
  keep('announce-list', sameJson(readAnnounceList(raw), tiers), tiers.length > 0 ? tiers : undefined);
  const urls = [...(t.urlList ?? [])];
  keep('url-list', sameJson(readUrlList(raw), urls), urls.length > 0 ? urls : undefined);
  keep('created by', readCreatedBy(raw) === t.createdBy, t.createdBy);
  // The parser prefers `comment.utf-8`; a changed comment replaces both.
  const sameComment = readComment(raw) === t.comment;
  keep('comment', sameComment, t.comment);
  if (!sameComment) delete outer['comment.utf-8'];
  // A negative or huge date reads back as undefined: unchanged, it stays as it was; null removes it.
  if (t.creationDate !== null) keep('creation date', readCreationDate(raw) === t.creationDate, t.creationDate);

  const typedLayers = t.pieceLayers ?? new Map<string, Uint8Array>();
  const layers = new Map<Uint8Array, Uint8Array>();
  for (const [hex, layer] of typedLayers) {
    const root = fromHex(hex);
    if (!root || root.length !== 32) throw bad(`piece layer key ${hex} is not a 32-byte hex root`);
    layers.set(root, layer);
  }
  const originalLayers = raw['piece layers'];
  const sameLayersAsRaw = isDict(originalLayers) && sameLayers(originalLayers, typedLayers);
  keep('piece layers', sameLayersAsRaw, layers.size > 0 ? layers : undefined);

  // Assemble by hand so the info bytes go in untouched.
  const keys = [...Object.keys(outer), 'info'].sort(compareKeys);
  const parts: Uint8Array[] = [Uint8Array.of(0x64)];
  for (const key of keys) {
    parts.push(encodeKey(key), key === 'info' ? infoBytes : encode(outer[key]));
  }
  parts.push(Uint8Array.of(0x65));
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function sameLayers(original: BDict, layers: ReadonlyMap<string, Uint8Array>): boolean {
  const keys = Object.keys(original);
  if (keys.length !== layers.size) return false;
  for (const key of keys) {
    const v = original[key];
    const ours = layers.get(toHex(textBytes(key)));
    if (!(v instanceof Uint8Array) || ours === undefined || ours.length !== v.length) return false;
    for (let i = 0; i < v.length; i++) if (v[i] !== ours[i]) return false;
  }
  return true;
}
