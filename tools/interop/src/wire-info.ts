// Test harness: a torrent as the downloader and seeder need it, from @torrentkit/metainfo's parser
// (the info dict fetched with ut_metadata is wrapped into a minimal .torrent first) and laid out with
// @torrentkit/storage's layoutFromTorrent.
import { fromHex, parseTorrent } from '@torrentkit/metainfo';
import { layoutFromTorrent, type LayoutInput } from '@torrentkit/storage';

export interface InfoSummary {
  infoHash: Uint8Array;
  infoBytes: Uint8Array;
  name: string;
  pieceLength: number;
  pieces: Uint8Array;
  pieceCount: number;
  layout: LayoutInput;
}

/** Parses a .torrent file's bytes. */
export function parseTorrentFile(bytes: Uint8Array): InfoSummary {
  const t = parseTorrent(bytes);
  if (!t.infoHash) throw new Error('not a v1 or hybrid torrent');
  const layout = layoutFromTorrent(t);
  return {
    infoHash: fromHex(t.infoHash)!,
    infoBytes: t.infoBytes,
    name: t.name,
    pieceLength: t.pieceLength,
    pieces: t.pieces,
    pieceCount: layout.pieceCount,
    layout: { version: layout.version, pieceLength: layout.pieceLength, files: layout.files },
  };
}

/** Parses raw info dict bytes (e.g. fetched with ut_metadata). */
export function parseInfo(infoBytes: Uint8Array): InfoSummary {
  const head = new TextEncoder().encode('d4:info');
  const wrapped = new Uint8Array(head.length + infoBytes.length + 1);
  wrapped.set(head, 0);
  wrapped.set(infoBytes, head.length);
  wrapped[wrapped.length - 1] = 0x65; // 'e'
  return parseTorrentFile(wrapped);
}
