// Assembles the torrent dictionaries from file lists and hashes (pure). v1 (BEP 3): `length` or
// `files` + `pieces`; v2 (BEP 52): `file tree`, `meta version` 2 and top-level `piece layers`;
// hybrid: both, the v1 list carrying BEP 47 pad files (`attr` "p", path `.pad/<size>`) that align
// every file to a piece boundary, after the last file too (as libtorrent writes them).
import type { FileHashes } from '../hash/hash-files.ts';
import type { Layout } from '../hash/layout.ts';

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

/** Build the `info` dict (a plain object; the encoder sorts keys canonically). */
export function infoDict(files: readonly BuiltFile[], layout: Layout, pieces: Uint8Array, hashes: readonly FileHashes[], f: InfoFields): Record<string, unknown> {
  const info: Record<string, unknown> = { name: f.name, 'piece length': f.pieceLength };
  if (f.private) info.private = 1;
  if (f.source !== undefined && f.source !== '') info.source = f.source;
  if (f.version !== 'v2') {
    info.pieces = pieces;
    if (f.single) info.length = files[0]!.length;
    else {
      const list: Record<string, unknown>[] = [];
      files.forEach((file, i) => {
        list.push({ length: file.length, path: file.path });
        const pad = layout.files[i]!.padAfter;
        if (f.version === 'hybrid' && pad > 0) list.push({ attr: 'p', length: pad, path: ['.pad', String(pad)] });
      });
      info.files = list;
    }
  }
  if (f.version !== 'v1') {
    info['meta version'] = 2;
    const tree = new Map<string, unknown>();
    files.forEach((file, i) => {
      const components = f.single ? [f.name] : file.path;
      let node = tree;
      for (const c of components.slice(0, -1)) {
        let child = node.get(c) as Map<string, unknown> | undefined;
        if (!child) node.set(c, (child = new Map()));
        node = child;
      }
      const leaf: Record<string, unknown> = { length: file.length };
      const root = hashes[i]!.piecesRoot;
      if (file.length > 0 && root) leaf['pieces root'] = root;
      // A plain object for the leaf: a Map per file would cost ~200 bytes each on big trees.
      node.set(components[components.length - 1]!, { '': leaf });
    });
    info['file tree'] = tree;
  }
  return info;
}

/** BEP 52 `piece layers`: pieces root -> piece layer, for files larger than one piece. */
export function pieceLayers(hashes: readonly FileHashes[]): Map<Uint8Array, Uint8Array> {
  const layers = new Map<Uint8Array, Uint8Array>();
  const seen = new Set<string>();
  for (const h of hashes) {
    if (!h.pieceLayer || !h.piecesRoot) continue;
    // Identical files share a root and a layer; the dict holds it once.
    const key = Array.from(h.piecesRoot, (b) => b.toString(16).padStart(2, '0')).join('');
    if (seen.has(key)) continue;
    seen.add(key);
    layers.set(h.piecesRoot, h.pieceLayer);
  }
  return layers;
}
