// What parseTorrent reads from libtorrent's and Transmission's torrents, field by field.
import { describe, expect, it } from 'vitest';
import { fixture } from '../test-fixtures.ts';
import { parseTorrent, tryParseTorrent } from './parse-torrent.ts';

const lt = (name: string) => parseTorrent(fixture(`libtorrent/${name}`));

describe('parseTorrent fields', () => {
  it('reads a v1 multi-file torrent', () => {
    const t = lt('url_seed_multi.torrent');
    expect(t.version).toBe('v1');
    expect(t.name).toBe('temp');
    expect(t.pieceLength).toBe(16384);
    expect(t.pieceCount).toBe(1);
    expect(t.pieces).toHaveLength(20);
    expect(t.length).toBe(850);
    expect(t.files.map((f) => [f.path, f.length, f.offset])).toEqual([
      [['temp', 'foo', 'bar.txt'], 425, 0],
      [['temp', 'foo', 'var.txt'], 425, 425],
    ]);
    expect(t.urlList).toEqual(['http://test.com/file']);
    expect(t.createdBy).toBe('libtorrent');
    expect(t.creationDate).toBe(1359599503);
    expect(t.private).toBe(false);
    expect(t.infoHashV2).toBeUndefined();
  });

  it('reads BEP 47 symlinks (no payload) and pad files (attr and BitComet names)', () => {
    const s = lt('symlink1.torrent');
    expect(s.files[1]).toMatchObject({ symlink: true, length: 0, symlinkPath: ['a', 'b', 'bar'], attr: 'l' });
    const p = lt('pad_file.torrent');
    expect(p.files.map((f) => f.pad)).toEqual([false, true]);
    const np = lt('pad_file_no_path.torrent');
    expect(np.files.some((f) => f.pad && f.path.slice(1).join('/') === `.pad/${f.length}`)).toBe(true);
  });

  it('trims tracker URLs and drops junk in url-list', () => {
    expect(lt('whitespace_url.torrent').announce).toBe('udp://test.com/announce');
    expect(lt('url_list3.torrent').urlList).toEqual([]);
    expect(lt('empty_httpseed.torrent').urlList).toEqual([]);
    expect(lt('duplicate_web_seeds.torrent').urlList.length).toBe(new Set(lt('duplicate_web_seeds.torrent').urlList).size);
    expect(lt('creation_date.torrent').creationDate).toBe(1234567);
    expect(lt('no_creation_date.torrent').creationDate).toBeUndefined();
  });

  it('reads BEP 12 tiers and BEP 27 private', () => {
    const t = parseTorrent(fixture('transmission/Inner_Sanctum_movie_archive.torrent'));
    expect(t.announceList).toEqual([['http://bt1.archive.org:6969/announce'], ['http://bt2.archive.org:6969/announce']]);
    expect(parseTorrent(fixture('transmission/Thor_and_the_Amazon_Women.avi.torrent')).private).toBe(false);
    expect(parseTorrent(fixture('transmission/unordered-info-dict.torrent')).source).toBeDefined();
  });

  it('reads v2 and hybrid torrents with their merkle roots and piece layers', () => {
    const v2 = lt('v2_multiple_files.torrent');
    expect(v2.version).toBe('v2');
    expect(v2.infoHash).toBeUndefined();
    expect(v2.infoHashV2).toMatch(/^[0-9a-f]{64}$/);
    expect(v2.pieces).toHaveLength(0);
    for (const f of v2.files) if (f.length > 0) expect(f.piecesRoot).toHaveLength(32);
    expect(v2.pieceLayers.size).toBeGreaterThan(0);

    const h = lt('v2_hybrid.torrent');
    expect(h.version).toBe('hybrid');
    expect(h.infoHash).toMatch(/^[0-9a-f]{40}$/);
    // v1 view with pad files; every real file carries its v2 root and starts on a piece boundary.
    for (const f of h.files.filter((x) => !x.pad && x.length > 0)) {
      expect(f.piecesRoot).toHaveLength(32);
      expect(f.offset % h.pieceLength).toBe(0);
    }
  });

  it('keeps unknown keys and the original bytes', () => {
    const bytes = fixture('libtorrent/collection.torrent');
    const t = parseTorrent(bytes);
    expect(t.raw['collections']).toBeDefined();
    expect(t.bytes).toBe(bytes);
    expect(t.infoBytes[0]).toBe(0x64);
  });

  it('can skip piece-layer verification', () => {
    const bytes = fixture('libtorrent/v2_invalid_root_hash.torrent');
    expect(() => parseTorrent(bytes)).toThrow();
    expect(parseTorrent(bytes, { verifyPieceLayers: false }).version).toBe('v2');
  });

  it('honours maxPieces, maxSize and maxDepth', () => {
    const bytes = fixture('libtorrent/sample.torrent');
    expect(() => parseTorrent(bytes, { maxSize: 10 })).toThrow(expect.objectContaining({ code: 'METAINFO_TOO_LARGE' }));
    expect(() => parseTorrent(bytes, { maxPieces: 0 })).toThrow(expect.objectContaining({ code: 'METAINFO_TOO_MANY_PIECES' }));
    expect(() => parseTorrent(bytes, { maxDepth: 1 })).toThrow(expect.objectContaining({ code: 'METAINFO_DEPTH_EXCEEDED' }));
  });

  it('refuses limits that would switch a check off or blame the torrent, and takes null as no options', () => {
    const bytes = fixture('libtorrent/sample.torrent');
    for (const key of ['maxPieces', 'maxSize', 'maxDepth'] as const) {
      for (const bad of [NaN, -1, 1.5, '10' as unknown as number]) {
        expect(() => parseTorrent(bytes, { [key]: bad })).toThrow(expect.objectContaining({ code: 'METAINFO_INVALID_INPUT', message: expect.stringContaining(key) }));
        expect(() => tryParseTorrent(bytes, { [key]: bad })).toThrow(expect.objectContaining({ code: 'METAINFO_INVALID_INPUT' }));
      }
      expect(parseTorrent(bytes, { [key]: Infinity }).name).toBe(parseTorrent(bytes).name);
    }
    expect(parseTorrent(bytes, null).infoHash).toBe(parseTorrent(bytes).infoHash);
  });
});
