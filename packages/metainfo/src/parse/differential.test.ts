// Differential test against npm `parse-torrent` (what webtorrent users run today) on canonical
// torrents: same info hash, name, total length, files and trackers. On non-canonical torrents
// parse-torrent hashes a re-encoding of `info` and gets the info hash wrong; we hash the bytes.
import { decode } from '@torrentkit/bencode';
import parseTorrentNpm from 'parse-torrent';
import { describe, expect, it } from 'vitest';
import { magnetFromTorrent } from '../magnet/format.ts';
import { fixture, fixtureNames, libtorrentManifest } from '../test-fixtures.ts';
import type { ParsedTorrent } from '../types.ts';
import { infoHashV1 } from '../infohash.ts';
import { toHex } from '../util/hex.ts';
import { parseTorrent } from './parse-torrent.ts';

interface NpmTorrent {
  infoHash: string;
  name: string;
  length: number;
  files: Array<{ path: string; length: number; offset: number }>;
  announce: string[];
  urlList: string[];
  pieceLength: number;
}

function isCanonical(bytes: Uint8Array): boolean {
  try {
    decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// parse-torrent joins paths with node:path, which resolves "..", "." and separators; compare only
// torrents whose paths it can represent faithfully.
function plainPaths(t: ParsedTorrent): boolean {
  // Invalid UTF-8 is kept byte-exact here (surrogate escapes) and replaced by U+FFFD there.
  return t.files.every((f) => f.path.every((c) => c !== '' && c !== '.' && c !== '..' && !/[/\\\udc80-\udcff]/.test(c)));
}

const candidates = [
  ...fixtureNames('transmission', '.torrent').map((n) => `transmission/${n}`),
  ...libtorrentManifest().accept.map((n) => `libtorrent/${n}`),
];

describe('differential: npm parse-torrent', () => {
  let compared = 0;
  for (const name of candidates) {
    const bytes = fixture(name);
    let ours: ParsedTorrent;
    try {
      ours = parseTorrent(bytes);
    } catch {
      continue;
    }
    if (ours.version === 'v2' || !isCanonical(bytes) || !plainPaths(ours) || ours.files.some((f) => f.symlink)) continue;
    it(`agrees on ${name}`, async () => {
      let theirs: NpmTorrent;
      try {
        theirs = (await parseTorrentNpm(bytes)) as unknown as NpmTorrent;
      } catch {
        // parse-torrent crashes on some valid torrents (e.g. a url-list holding non-strings).
        return;
      }
      expect(ours.infoHash).toBe(theirs.infoHash);
      expect(ours.name).toBe(theirs.name);
      expect(ours.length).toBe(theirs.length);
      expect(ours.pieceLength).toBe(theirs.pieceLength);
      expect(ours.files.map((f) => [f.path.join('/'), f.length, f.offset])).toEqual(theirs.files.map((f) => [f.path, f.length, f.offset]));
      expect(magnetFromTorrent(ours).trackers).toEqual(theirs.announce.map((u) => u.trim()).filter((u) => u !== ''));
      expect(ours.urlList).toEqual([...new Set(theirs.urlList.map((u) => u.trim()).filter((u) => u !== ''))]);
      compared++;
    });
  }
  it('compared enough torrents', () => {
    expect(compared).toBeGreaterThanOrEqual(20);
  });

  it('hashes the info bytes as written where parse-torrent re-encodes them', async () => {
    const bytes = fixture('transmission/unordered-info-dict.torrent');
    const ours = parseTorrent(bytes);
    expect(ours.infoHash).toBe(toHex(infoHashV1(ours.infoBytes)));
    let theirs: string | undefined;
    try {
      theirs = ((await parseTorrentNpm(bytes)) as unknown as NpmTorrent).infoHash;
    } catch {
      theirs = undefined; // its strict decoder may refuse the file outright
    }
    expect(theirs).not.toBe(ours.infoHash);
  });
});
