// Test harness: just enough of a BEP 3 info dict to drive a download (name, piece length, v1 hashes,
// files with BEP 47 pad flags). The real parser is @torrentkit/metainfo; this keeps the interop
// harness independent of it and strict about what it needs.
import { createHash } from 'node:crypto';
import { decode, rawOf, type BDict, type BValue } from '@torrentkit/bencode';
import type { LayoutInput } from '@torrentkit/storage';

export interface InfoSummary {
  infoHash: Uint8Array;
  infoBytes: Uint8Array;
  name: string;
  pieceLength: number;
  pieces: Uint8Array;
  pieceCount: number;
  layout: LayoutInput;
}

const text = (v: BValue | undefined): string => {
  if (!(v instanceof Uint8Array)) throw new Error('expected a byte string');
  return new TextDecoder().decode(v);
};
const int = (v: BValue | undefined): number => {
  if (typeof v !== 'number') throw new Error('expected an integer');
  return v;
};
const dict = (v: BValue | undefined): BDict => {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array || Array.isArray(v)) throw new Error('expected a dict');
  return v;
};

/** Parses raw info dict bytes (e.g. fetched with ut_metadata). Paths are prefixed with the name. */
export function parseInfo(infoBytes: Uint8Array): InfoSummary {
  const info = dict(decode(infoBytes, { strict: false }));
  const name = text(info.name);
  const pieceLength = int(info['piece length']);
  const pieces = info.pieces;
  if (!(pieces instanceof Uint8Array) || pieces.length % 20 !== 0) throw new Error('bad pieces');
  const files: LayoutInput['files'][number][] = [];
  if (Array.isArray(info.files)) {
    for (const f of info.files) {
      const d = dict(f);
      const path = (d.path as BValue[]).map(text);
      files.push({ path: [name, ...path], length: int(d.length), pad: d.attr instanceof Uint8Array && text(d.attr).includes('p') });
    }
  } else {
    files.push({ path: [name], length: int(info.length) });
  }
  const infoHash = new Uint8Array(createHash('sha1').update(infoBytes).digest());
  return { infoHash, infoBytes, name, pieceLength, pieces, pieceCount: pieces.length / 20, layout: { pieceLength, files } };
}

/** Parses a .torrent file's bytes. */
export function parseTorrentFile(bytes: Uint8Array): InfoSummary {
  const top = dict(decode(bytes, { strict: false, spans: true }));
  const raw = rawOf(dict(top.info));
  if (!raw) throw new Error('no info span');
  return parseInfo(raw);
}
