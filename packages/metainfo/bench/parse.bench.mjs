// Parse benchmark: @torrentkit/metainfo parseTorrent against npm parse-torrent, same torrents,
// same process. Run after `pnpm run build`: `node bench/parse.bench.mjs`. Not a test.
// Each side parses every torrent in the set repeatedly for a bounded time; prints torrents/s.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import parseTorrentNpm from 'parse-torrent';
import { parseTorrent } from '../dist/index.js';

const dir = fileURLToPath(new URL('../../../../shared/fixtures/transmission/', import.meta.url));
const sets = {
  'small v1 (Thor, 1 file, 30 KB)': ['Thor_and_the_Amazon_Women.avi.torrent'],
  'v1 multi-file (Inner_Sanctum, 32 files)': ['Inner_Sanctum_movie_archive.torrent'],
  'large v1 (ubuntu 20.04, 235 KB)': ['ubuntu-20.04.3-desktop-amd64.iso.torrent'],
  'hybrid (ubuntu, 610 KB, layers verified)': ['hybrid-single-ubuntu-20.04.3-desktop-amd64.iso.torrent'],
  'hybrid (ubuntu, 610 KB, layers not verified)': ['hybrid-single-ubuntu-20.04.3-desktop-amd64.iso.torrent'],
};

async function rate(fn, files, ms = 1500) {
  for (let i = 0; i < 3; i++) for (const b of files) await fn(b); // warm-up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms && n < 1e6) {
    for (const b of files) await fn(b);
    n += files.length;
  }
  return (n * 1000) / (performance.now() - start);
}

console.log('set'.padEnd(44), 'ours/s'.padStart(10), 'parse-torrent/s'.padStart(16), 'ratio'.padStart(7));
for (const [label, names] of Object.entries(sets)) {
  const files = names.map((n) => new Uint8Array(readFileSync(dir + n)));
  const opts = { verifyPieceLayers: !label.includes('not verified') };
  const ours = await rate((b) => parseTorrent(b, opts), files);
  const theirs = await rate((b) => parseTorrentNpm(b), files);
  console.log(label.padEnd(44), ours.toFixed(0).padStart(10), theirs.toFixed(0).padStart(16), `${(ours / theirs).toFixed(2)}x`.padStart(7));
}
