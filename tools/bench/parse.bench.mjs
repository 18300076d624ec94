// `pnpm bench parse`: @torrentkit/metainfo's parseTorrent against npm `parse-torrent` (what webtorrent
// users run), same torrent bytes, same process. (a) a v1 torrent of 10,000 files in 97 directories,
// sorted as creators write them, 256 KiB pieces; (b) a single 4 GiB file at 1 MiB pieces with an
// announce-list and web seeds; (c) a small single-file torrent (a magnet's metadata). Both sides
// check their result once: same info hash, same file count. parse-torrent is async; both are awaited.
import { encode } from '@torrentkit/bencode';
import { parseTorrent } from '@torrentkit/metainfo';
import parseTorrentNpm from 'parse-torrent';
import { table, timePairedAsync } from './bench-util.mjs';

function manyFiles() {
  const files = [];
  for (let i = 0; i < 10_000; i++) {
    const dir = `directory-${String(i % 97).padStart(3, '0')}`;
    files.push({ length: 50_000 + ((i * 7919) % 150_000), path: [dir, `part-${i % 7}`, `a-media-file-name-${String(i).padStart(5, '0')}.dat`] });
  }
  files.sort((a, b) => (a.path.join('/') < b.path.join('/') ? -1 : 1));
  const total = files.reduce((n, f) => n + f.length, 0);
  const pieceLength = 256 * 1024;
  return torrent({ files, name: 'bench-collection', 'piece length': pieceLength, pieces: pieceHashes(Math.ceil(total / pieceLength)) });
}

function bigFile() {
  const length = 4 * 1024 ** 3;
  const pieceLength = 1024 * 1024;
  return torrent(
    { length, name: 'big-file.iso', 'piece length': pieceLength, pieces: pieceHashes(length / pieceLength) },
    { 'announce-list': [['http://127.0.0.1:8000/announce'], ['http://127.0.0.1:8001/announce', 'udp://127.0.0.1:8002']], 'url-list': ['http://127.0.0.1:8080/big-file.iso'] },
  );
}

function small() {
  return torrent({ length: 3_000_000, name: 'small.bin', 'piece length': 262_144, pieces: pieceHashes(12) });
}

function pieceHashes(count) {
  const out = new Uint8Array(count * 20);
  for (let i = 0; i < out.length; i++) out[i] = (i * 2654435761) >>> 24;
  return out;
}

function torrent(info, extra = {}) {
  return encode({ announce: 'http://127.0.0.1:8000/announce', 'created by': 'torrentkit bench', 'creation date': 1_700_000_000, ...extra, info });
}

const fixtures = [
  ['(a) 10,000 files, 256 KiB pieces', manyFiles()],
  ['(b) one 4 GiB file, 1 MiB pieces', bigFile()],
  ['(c) one 3 MB file', small()],
];

const rows = [];
for (const [name, bytes] of fixtures) {
  const nodeBytes = Buffer.from(bytes);
  const ours = parseTorrent(bytes);
  const theirs = await parseTorrentNpm(nodeBytes);
  if (theirs.infoHash !== ours.infoHash || theirs.files.length !== ours.files.length) {
    throw new Error(`${name}: results differ (${ours.infoHash} ${ours.files.length} files, npm ${theirs.infoHash} ${theirs.files.length})`);
  }
  const t = await timePairedAsync(async () => parseTorrent(bytes), () => parseTorrentNpm(nodeBytes));
  rows.push([name, bytes.length, t.ours.toFixed(3), t.theirs.toFixed(3), `${t.median.toFixed(1)}x`, `${t.q1.toFixed(1)}-${t.q3.toFixed(1)}`]);
}
console.log(`parse: @torrentkit/metainfo parseTorrent vs npm parse-torrent 11.0.24, Node ${process.version}; ms per parse: best of 61 alternating 25 ms rounds; ratio: median (and quartiles) of the 61 pairs of adjacent rounds\n`);
console.log(table(['torrent', 'bytes', 'ours ms', 'npm ms', 'ratio', 'quartiles'], rows));
