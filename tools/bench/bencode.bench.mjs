// `pnpm bench bencode`: @torrentkit/bencode vs npm `bencode`, same data, same process.
// Fixtures: (a) a 1.6 MB torrent-like dict (800 KB `pieces`, 10,000 file entries),
// (b) a 401-byte tracker reply with 50 compact peers, (c) a 190-byte announce-like dict.
// Target: at least 5x npm bencode on encode and decode for every fixture.
import { decode, encode } from '@torrentkit/bencode';
import npm from 'bencode';
import { table, timePaired } from './bench-util.mjs';

function torrentLike() {
  const files = [];
  for (let i = 0; i < 10_000; i++) {
    files.push({ length: 1_000_000 + i * 7919, path: [`directory-${String(i % 97).padStart(3, '0')}`, `part-${i % 7}`, `a-media-file-name-${String(i).padStart(5, '0')}.dat`] });
  }
  const pieces = new Uint8Array(800_000);
  for (let i = 0; i < pieces.length; i++) pieces[i] = (i * 2654435761) >>> 24;
  return {
    announce: 'http://127.0.0.1:8000/announce',
    'created by': 'torrentkit bench',
    'creation date': 1_700_000_000,
    info: { files, name: 'bench-collection', 'piece length': 262_144, pieces },
  };
}

function trackerReply() {
  const peers = new Uint8Array(300);
  for (let i = 0; i < peers.length; i++) peers[i] = (i * 37 + 11) & 255;
  return { complete: 1234, incomplete: 56789, interval: 1800, 'min interval': 900, peers, 'tracker id': 'torrentkit-01' };
}

function announceLike() {
  const hash = new Uint8Array(20).fill(0xab);
  return {
    info_hash: hash, peer_id: new TextEncoder().encode('-TK0001-123456789012'), port: 51413, uploaded: 123_456_789,
    downloaded: 987_654_321, left: 1_073_741_824, event: 'started', compact: 1, numwant: 50, key: 'a1b2c3d4', ip: '127.0.0.1',
  };
}

const fixtures = [
  ['(a) torrent-like dict', torrentLike()],
  ['(b) tracker reply, 50 peers', trackerReply()],
  ['(c) announce-like dict', announceLike()],
];

const rows = [];
let allPass = true;
for (const [name, value] of fixtures) {
  const ours = encode(value);
  const theirs = npm.encode(value);
  if (Buffer.compare(Buffer.from(ours), Buffer.from(theirs)) !== 0) throw new Error(`${name}: encodings differ`);
  const size = ours.length;
  const input = new Uint8Array(ours);
  const nodeInput = Buffer.from(ours);
  const enc = timePaired(() => encode(value), () => npm.encode(value));
  const dec = timePaired(() => decode(input), () => npm.decode(nodeInput));
  const mbps = (ms) => (size / ms / 1000).toFixed(0);
  const ratio = (t) => `${t.median.toFixed(1)}x`;
  const spread = (t) => `${t.q1.toFixed(1)}-${t.q3.toFixed(1)}`;
  allPass &&= enc.median >= 5 && dec.median >= 5;
  rows.push([name, size, 'encode', mbps(enc.ours), mbps(enc.theirs), ratio(enc), spread(enc)]);
  rows.push(['', '', 'decode', mbps(dec.ours), mbps(dec.theirs), ratio(dec), spread(dec)]);
}
console.log(`bencode: @torrentkit/bencode vs npm bencode 4.0.1, Node ${process.version}; MB/s: best of 61 alternating 25 ms rounds; ratio: median (and quartiles) of the 61 pairs of adjacent rounds\n`);
console.log(table(['fixture', 'bytes', 'op', 'ours MB/s', 'npm MB/s', 'ratio', 'quartiles'], rows));
console.log(`\ntarget >= 5x on every row (median ratio): ${allPass ? 'met' : 'NOT met'}`);
