// BEP 52 `piece layers`: per file larger than one piece, the SHA-256 hashes of its pieces, keyed
// by the file's `pieces root`. Each layer must have one hash per piece and hash up to its root.
import type { BDict } from '@torrentkit/bencode';
import { MetainfoError } from '../errors.ts';
import { merkleRoot, padHashForPiece } from '../merkle.ts';
import type { TorrentFile } from '../types.ts';
import { toHex } from '../util/hex.ts';
import { textBytes } from '../util/text.ts';
import { isDict, keysOf } from './fields.ts';

function bad(message: string): MetainfoError {
  return new MetainfoError('METAINFO_INVALID_PIECE_LAYER', message);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Validates `piece layers` against the files and returns them keyed by hex root. A missing
 * `piece layers` (or a missing entry) is accepted: peers can supply layers later (BEP 52).
 */
export function readPieceLayers(
  value: unknown,
  files: readonly TorrentFile[],
  pieceLength: number,
  verify: boolean,
): Map<string, Uint8Array> {
  const layers = new Map<string, Uint8Array>();
  if (value === undefined) return layers;
  if (!isDict(value as never)) throw bad('piece layers is not a dictionary');
  const dict = value as BDict;
  const byRoot = new Map<string, TorrentFile>();
  for (const f of files) if (f.piecesRoot !== undefined) byRoot.set(toHex(f.piecesRoot), f);
  const pad = verify ? padHashForPiece(pieceLength) : undefined;
  for (const key of keysOf(dict)) {
    const root = textBytes(key);
    const layer = dict[key];
    if (root.length !== 32 || !(layer instanceof Uint8Array) || layer.length % 32 !== 0) {
      throw bad('piece layers entry is malformed');
    }
    const hex = toHex(root);
    const file = byRoot.get(hex);
    if (file === undefined) throw bad(`piece layer ${hex} belongs to no file`);
    const pieces = Math.ceil(file.length / pieceLength);
    if (file.length <= pieceLength) {
      // A file of one piece has no layer; tolerate a one-hash layer equal to the root.
      if (layer.length !== 32 || !equal(layer, root)) throw bad(`piece layer ${hex} for a single-piece file`);
    } else {
      if (layer.length !== pieces * 32) throw bad(`piece layer ${hex} has ${layer.length / 32} hashes, expected ${pieces}`);
      if (pad !== undefined && !equal(merkleRoot(layer, pad), root)) throw bad(`piece layer ${hex} does not hash to its root`);
    }
    layers.set(hex, layer);
  }
  return layers;
}
