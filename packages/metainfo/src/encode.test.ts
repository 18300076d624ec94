import { decode } from '@torrentkit/bencode';
import { describe, expect, it } from 'vitest';
import { encodeTorrent } from './encode.ts';
import { MetainfoError } from './errors.ts';
import { parseTorrent } from './parse/parse-torrent.ts';
import { fixture, fixtureNames, libtorrentManifest } from './test-fixtures.ts';
import type { ParsedTorrent, TorrentInput } from './types.ts';

const names = [
  ...libtorrentManifest().accept.map((n) => `libtorrent/${n}`),
  ...fixtureNames('transmission', '.torrent').map((n) => `transmission/${n}`),
];

function isCanonical(bytes: Uint8Array): boolean {
  try {
    decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function tryParse(bytes: Uint8Array): ParsedTorrent | undefined {
  try {
    return parseTorrent(bytes);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Only the typed fields: what a builder hands to the writer. */
function typedOnly(t: ParsedTorrent): TorrentInput {
  const { infoBytes: _i, info: _n, raw: _r, bytes: _b, ...typed } = t;
  return typed;
}

describe('encodeTorrent', () => {
  it('re-serialises every canonical fixture byte for byte', () => {
    let checked = 0;
    for (const name of names) {
      const bytes = fixture(name);
      const t = tryParse(bytes);
      if (!t || !isCanonical(bytes)) continue;
      expect(sameBytes(encodeTorrent(t), bytes), name).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('keeps the info bytes (and so the info hash) of non-canonical torrents', () => {
    for (const name of ['libtorrent/unordered.torrent', 'transmission/unordered-info-dict.torrent', 'libtorrent/pad_file.torrent']) {
      const t = parseTorrent(fixture(name));
      const again = parseTorrent(encodeTorrent(t));
      expect(again.infoHash).toBe(t.infoHash);
      expect(sameBytes(again.infoBytes, t.infoBytes)).toBe(true);
    }
  });

  for (const name of [
    'transmission/ubuntu-20.04.3-desktop-amd64.iso.torrent',
    'transmission/bittorrent-v2-test.torrent',
    'transmission/bittorrent-v2-hybrid-test.torrent',
    'transmission/hybrid-single-ubuntu-20.04.3-desktop-amd64.iso.torrent',
    'libtorrent/sample.torrent',
    'libtorrent/v2_symlinks.torrent',
  ]) {
    it(`rebuilds ${name} from its typed fields with the same info hashes`, () => {
      const t = parseTorrent(fixture(name));
      const again = parseTorrent(encodeTorrent(typedOnly(t)));
      expect(again.version).toBe(t.version);
      expect(again.infoHash).toBe(t.infoHash);
      expect(again.infoHashV2).toBe(t.infoHashV2);
      expect(again.files.map((f) => [f.path, f.length, f.offset, f.pad])).toEqual(t.files.map((f) => [f.path, f.length, f.offset, f.pad]));
      expect(again.announceList).toEqual(t.announceList);
      expect([...again.pieceLayers.keys()]).toEqual([...t.pieceLayers.keys()]);
      for (const [k, v] of t.pieceLayers) expect(sameBytes(again.pieceLayers.get(k)!, v)).toBe(true);
    });
  }

  it('writes changed top-level fields and keeps the info hash', () => {
    const t = parseTorrent(fixture('transmission/Inner_Sanctum_movie_archive.torrent'));
    const changed = { ...t, announce: 'http://127.0.0.1:1/announce', announceList: [['http://127.0.0.1:1/announce']], comment: 'new', createdBy: 'torrentkit', urlList: [] };
    const again = parseTorrent(encodeTorrent(changed));
    expect(again.infoHash).toBe(t.infoHash);
    expect(again.announce).toBe('http://127.0.0.1:1/announce');
    expect(again.announceList).toEqual([['http://127.0.0.1:1/announce']]);
    expect(again.comment).toBe('new');
    expect(again.createdBy).toBe('torrentkit');
    expect(again.urlList).toEqual([]);
    expect(again.raw['collections']).toEqual(t.raw['collections']);
  });

  it('renames a torrent whose info carries name.utf-8', () => {
    const t = parseTorrent(fixture('transmission/Thor_and_the_Amazon_Women.avi.torrent'));
    expect(t.info['name.utf-8']).toBeDefined();
    const { infoBytes: _i, ...rest } = t;
    const renamed = parseTorrent(encodeTorrent({ ...rest, name: 'renamed.avi', files: [{ ...t.files[0]!, path: ['renamed.avi'] }] }));
    expect(renamed.name).toBe('renamed.avi');
    expect(renamed.infoHash).not.toBe(t.infoHash);
  });

  it('builds v1, v2 and hybrid torrents from scratch', () => {
    const root = new Uint8Array(32).fill(7);
    const base = {
      name: 'dir',
      pieceLength: 16384,
      creationDate: 1700000000,
      private: true,
      source: 'SRC',
    };
    const v1 = parseTorrent(
      encodeTorrent({
        ...base,
        pieces: new Uint8Array(40),
        files: [
          { path: ['dir', 'a.txt'], length: 10, executable: true },
          { path: ['dir', '.pad', '16374'], length: 16374, pad: true },
          { path: ['dir', 'sub', 'b.bin'], length: 100 },
        ],
      }),
    );
    expect(v1.version).toBe('v1');
    expect(v1.files.map((f) => [f.path.join('/'), f.offset, f.attr])).toEqual([
      ['dir/a.txt', 0, 'x'],
      ['dir/.pad/16374', 10, 'p'],
      ['dir/sub/b.bin', 16384, ''],
    ]);
    expect([v1.private, v1.source, v1.creationDate]).toEqual([true, 'SRC', 1700000000]);

    const v2 = parseTorrent(encodeTorrent({ ...base, files: [{ path: ['dir', 'a'], length: 5, piecesRoot: root }, { path: ['dir', 'e'], length: 0 }] }));
    expect(v2.version).toBe('v2');
    expect(v2.files[0]!.piecesRoot).toEqual(root);

    const hybrid = parseTorrent(
      encodeTorrent({ ...base, pieces: new Uint8Array(20), files: [{ path: ['dir'], length: 5, piecesRoot: root }] }),
    );
    expect(hybrid.version).toBe('hybrid');
    expect(hybrid.files).toHaveLength(1);
    expect(hybrid.name).toBe('dir');
  });

  it('rejects input that cannot make a torrent', () => {
    const code = (t: unknown): string => {
      try {
        encodeTorrent(t as TorrentInput);
      } catch (err) {
        if (err instanceof MetainfoError) return err.code;
        throw err;
      }
      return 'ok';
    };
    expect(code({ name: 'x', pieceLength: 0, files: [{ path: ['x'], length: 1 }], pieces: new Uint8Array(20) })).toBe('METAINFO_INVALID_INPUT');
    expect(code({ name: 'x', pieceLength: 16384, files: [], pieces: new Uint8Array(0) })).toBe('METAINFO_INVALID_INPUT');
    expect(code({ name: 'x', pieceLength: 16384, files: [{ path: ['x'], length: 1 }] })).toBe('METAINFO_INVALID_INPUT');
    expect(code({ name: 'x', pieceLength: 16384, files: [{ path: ['y', 'a'], length: 1 }, { path: ['y', 'b'], length: 1 }], pieces: new Uint8Array(20) })).toBe(
      'METAINFO_INVALID_INPUT',
    );
    expect(code({ name: 'x', pieceLength: 16384, version: 'v2', files: [{ path: ['x'], length: 1 }] })).toBe('METAINFO_INVALID_INPUT');
    expect(code({ name: 'x', pieceLength: 16384, files: [{ path: ['y'], length: 1 }], pieces: new Uint8Array(20) })).toBe('METAINFO_INVALID_INPUT');
  });
});
