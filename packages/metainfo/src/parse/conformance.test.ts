// libtorrent's own test torrents: every one it accepts parses, every one it rejects fails with
// the matching MetainfoError code.
import { describe, expect, it } from 'vitest';
import { LIBTORRENT_ERRORS, MetainfoError } from '../errors.ts';
import { fixture, libtorrentManifest } from '../test-fixtures.ts';
import { parseTorrent } from './parse-torrent.ts';

const manifest = libtorrentManifest();

// Where our code deliberately differs from libtorrent's, and why.
const OVERRIDES: Record<string, string> = {
  // The info dict repeats a key. libtorrent reads the first copy and then finds no usable name;
  // @torrentkit/bencode rejects duplicate keys outright (their meaning differs between clients).
  'bad_name.torrent': 'METAINFO_INVALID_BENCODE',
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MetainfoError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('libtorrent fixtures', () => {
  it('has fixtures to test', () => {
    expect(manifest.accept.length).toBeGreaterThan(50);
    expect(Object.keys(manifest.reject).length).toBeGreaterThan(40);
  });

  for (const name of manifest.accept) {
    it(`accepts ${name}`, () => {
      const t = parseTorrent(fixture(`libtorrent/${name}`));
      expect(t.files.length).toBeGreaterThan(0);
      expect(t.length).toBeGreaterThan(0);
      expect(t.infoHash ?? t.infoHashV2).toMatch(/^[0-9a-f]{40}([0-9a-f]{24})?$/);
    });
  }

  for (const [name, libtorrentError] of Object.entries(manifest.reject)) {
    const expected = OVERRIDES[name] ?? LIBTORRENT_ERRORS[libtorrentError];
    it(`rejects ${name} (${libtorrentError} -> ${expected})`, () => {
      expect(expected).toBeDefined();
      expect(codeOf(() => parseTorrent(fixture(`libtorrent/${name}`)))).toBe(expected);
    });
  }
});
