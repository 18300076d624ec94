// What `TorrentFile.path` means, pinned down: relative to the save directory, torrent name first
// (as libtorrent's file_path() and Transmission list files), for every kind of torrent. This is
// the form verifyTorrent and the create-torrent CLI rely on, and the form encodeTorrent takes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encode } from '@torrentkit/bencode';
import { encodeTorrent } from '../encode.ts';
import { fixture, libtorrentManifest } from '../test-fixtures.ts';
import type { ParsedTorrent, TorrentInput } from '../types.ts';
import { isDict, keysOf } from './fields.ts';
import { parseTorrent } from './parse-torrent.ts';

const made = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test-data/${name}`, import.meta.url))));

/** The one file tree key of a v2-only single-file torrent, else undefined. */
function singleTreeKey(t: ParsedTorrent): string | undefined {
  const tree = t.info['file tree'];
  if (t.info['files'] !== undefined || t.info['length'] !== undefined || !isDict(tree)) return undefined;
  const keys = keysOf(tree);
  const child = tree[keys[0]!];
  return keys.length === 1 && isDict(child) && keysOf(child).length === 1 && keysOf(child)[0] === '' ? keys[0] : undefined;
}

describe('TorrentFile.path', () => {
  it('starts with the torrent name in every libtorrent fixture that parses', () => {
    const m = libtorrentManifest();
    let multi = 0;
    let single = 0;
    for (const name of [...m.accept, ...m.accept_but_sanitize_paths]) {
      const t = parseTorrent(fixture(`libtorrent/${name}`));
      const key = singleTreeKey(t);
      if (t.info['files'] === undefined && (t.info['length'] !== undefined || key !== undefined)) {
        single++;
        expect(t.files.map((f) => f.path), name).toEqual([[key ?? t.name]]);
      } else {
        multi++;
        for (const f of t.files) {
          expect(f.path.length, name).toBeGreaterThanOrEqual(2);
          expect(f.path[0], name).toBe(t.name);
        }
      }
    }
    expect(single).toBeGreaterThan(5);
    expect(multi).toBeGreaterThan(5);
  });

  it("joins to libtorrent's file_path() for libtorrent-made torrents", () => {
    const t = parseTorrent(made('lt-hybrid-empty-files.torrent'));
    // What libtorrent 2.0's file_storage::file_path(i) printed for the same bytes.
    expect(t.files.map((f) => f.path.join('/'))).toEqual([
      'd/a.txt', 'd/.pad/15284', 'd/b-empty', 'd/c.bin', 'd/.pad/12768', 'd/z-empty',
    ]);
  });

  it('gives symlink targets below the name, unlike path', () => {
    const t = parseTorrent(made('lt-hybrid-symlink.torrent'));
    const link = t.files.find((f) => f.symlink)!;
    expect(link.path).toEqual(['d', 'b-link']);
    expect(link.symlinkPath).toEqual(['a.txt']);
    expect(t.files.some((f) => f.path.join('/') === [t.name, ...link.symlinkPath!].join('/'))).toBe(true);
  });

  it('is the form encodeTorrent takes: typed fields written and parsed back keep their paths', () => {
    for (const bytes of [made('lt-hybrid-empty-files.torrent'), fixture('libtorrent/url_seed_multi.torrent'), fixture('libtorrent/base.torrent')]) {
      const t = parseTorrent(bytes);
      const { infoBytes: _i, info: _n, raw: _r, bytes: _b, ...typed } = t;
      const again = parseTorrent(encodeTorrent(typed as TorrentInput));
      expect(again.files.map((f) => f.path)).toEqual(t.files.map((f) => f.path));
      expect(again.infoHash).toBe(t.infoHash);
    }
  });
});

describe('error messages name the file entry', () => {
  const torrent = (info: Record<string, unknown>) => encode({ announce: 'http://127.0.0.1/a', info: { name: 'n', 'piece length': 16384, pieces: new Uint8Array(20), ...info } });
  const messageOf = (bytes: Uint8Array): string => {
    try {
      parseTorrent(bytes);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('parsed');
  };

  it('by index in a v1 file list', () => {
    expect(messageOf(torrent({ files: [{ length: 1, path: ['a'] }, { length: -1, path: ['b'] }] }))).toBe('files[1]: length missing, negative or too large');
    expect(messageOf(torrent({ files: [{ length: 1, path: ['a'] }, 5] }))).toBe('files[1] is not a dictionary');
    expect(messageOf(torrent({ files: [{ length: 1, path: ['a', 7] }] }))).toBe('files[0]: path component is not a string');
    expect(messageOf(torrent({ files: [{ length: 1 }] }))).toBe('files[0] has no path');
  });

  it('by path in a v2 file tree', () => {
    const info = { name: 'n', 'piece length': 16384, 'meta version': 2, 'file tree': { d: { x: { '': { length: 5 } } } } };
    const bytes = encode({ announce: 'http://127.0.0.1/a', info });
    expect(messageOf(bytes)).toBe('file tree "n/d/x" has no valid pieces root');
  });
});
