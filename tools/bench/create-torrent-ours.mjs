// One run of @torrentkit/metainfo's createTorrent in its own process (for wall time and peak RSS).
// Usage: node create-torrent-ours.mjs PATH PIECE_LENGTH VERSION OUT
import { writeFileSync } from 'node:fs';
import { createTorrent } from '@torrentkit/metainfo';

const [path, pieceLength, version, out] = process.argv.slice(2);
const t = await createTorrent(path, { pieceLength: Number(pieceLength), version, creationDate: null });
writeFileSync(out, t.torrent);
console.log(JSON.stringify({ infoHash: t.infoHash, infoHashV2: t.infoHashV2 }));
