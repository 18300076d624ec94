// One run of npm `create-torrent` (webtorrent's) in its own process: the JS anchor.
// Usage: node create-torrent-npm.mjs PATH PIECE_LENGTH OUT
import { writeFileSync } from 'node:fs';
import createTorrent from 'create-torrent';

const [path, pieceLength, out] = process.argv.slice(2);
createTorrent(path, { pieceLength: Number(pieceLength), announceList: [], createdBy: 'bench' }, (err, torrent) => {
  if (err) throw err;
  writeFileSync(out, torrent);
});
