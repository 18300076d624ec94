import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, type BDict } from '@torrentkit/bencode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTorrent } from '../parse/parse-torrent.ts';
import { hex, makeTree, referencePieces } from '../hash/test-files.ts';
import { createTorrent } from './create-torrent.ts';

const text = new TextDecoder();
const str = (v: unknown): string => text.decode(v as Uint8Array);
let t: { dir: string; cleanup: () => void };
let root: string;

beforeAll(() => {
  t = makeTree({
    'album/b.bin': 40000, 'album/a.bin': 70001, 'album/sub/c.bin': 1, 'album/empty': 0,
    'album/.hidden': 10, 'album/.git/config': 10, 'album/notes.tmp': 5, 'album/a-b/z': 3, 'album/a/y': 4,
    'single.bin': 100_000,
  });
  root = join(t.dir, 'album');
});
afterAll(() => t.cleanup());

const fixed = { creationDate: 1_700_000_000, threads: 0 } as const;

describe('createTorrent', () => {
  it('builds a single-file v1 torrent whose pieces are the file\'s SHA-1s', async () => {
    const r = await createTorrent(join(t.dir, 'single.bin'), { ...fixed, pieceLength: 32768 });
    const top = decode(r.torrent) as BDict;
    const info = top.info as BDict;
    expect(str(info.name)).toBe('single.bin');
    expect(info.length).toBe(100_000);
    expect(info.files).toBeUndefined();
    expect(top['creation date']).toBe(1_700_000_000);
    expect(str(top['created by'])).toBe('torrentkit');
    const { readFileSync } = await import('node:fs');
    expect(hex(info.pieces as Uint8Array)).toBe(hex(referencePieces(new Uint8Array(readFileSync(join(t.dir, 'single.bin'))), 32768)));
    const parsed = parseTorrent(r.torrent);
    expect(parsed.infoHash).toBe(r.infoHash);
    expect(r.pieceCount).toBe(4);
  });

  it('is deterministic, sorts by path bytes and leaves out hidden files by default', async () => {
    const a = await createTorrent(root, { ...fixed, pieceLength: 16384 });
    const b = await createTorrent(root, { ...fixed, pieceLength: 16384, threads: 2 });
    expect(hex(a.torrent)).toBe(hex(b.torrent));
    expect(a.files.map((f) => f.path.join('/'))).toEqual(['a-b/z', 'a.bin', 'a/y', 'b.bin', 'empty', 'notes.tmp', 'sub/c.bin']);
    const v2 = await createTorrent(root, { ...fixed, pieceLength: 16384, version: 'v2' });
    // v2: component-wise order, as in the BEP 52 file tree
    expect(v2.files.map((f) => f.path.join('/'))).toEqual(['a/y', 'a-b/z', 'a.bin', 'b.bin', 'empty', 'notes.tmp', 'sub/c.bin']);
  });

  it('includes hidden files on request and honours exclude globs', async () => {
    const hidden = await createTorrent(root, { ...fixed, includeHidden: true, exclude: ['*.tmp', 'sub'] });
    expect(hidden.files.map((f) => f.path.join('/'))).toEqual(['.git/config', '.hidden', 'a-b/z', 'a.bin', 'a/y', 'b.bin', 'empty']);
    const deep = await createTorrent(root, { ...fixed, exclude: ['**/c.bin', 'a*/?'] });
    expect(deep.files.map((f) => f.path.join('/'))).toEqual(['a.bin', 'b.bin', 'empty', 'notes.tmp']);
  });

  it('gives the same bytes whether hashing on workers or on the calling thread', async () => {
    const optionSets = [{}, { includeHidden: true }, { exclude: ['*.tmp', 'a*/?'] }];
    for (const o of optionSets) {
      const inThread = await createTorrent(root, { ...fixed, ...o });
      const inWorker = await createTorrent(root, { ...fixed, ...o, threads: 1 });
      expect(hex(inWorker.torrent)).toBe(hex(inThread.torrent));
    }
    const single = await createTorrent(join(t.dir, 'single.bin'), { ...fixed, threads: 1 });
    expect(single.files).toEqual([{ path: [], length: 100_000 }]);
    const two = await createTorrent([join(root, 'sub'), join(t.dir, 'single.bin')], { ...fixed, threads: 1, name: 'x' });
    expect(two.files.map((f) => f.path.join('/'))).toEqual(['single.bin', 'sub/c.bin']);
    await expect(createTorrent(join(t.dir, 'missing'), { ...fixed, threads: 1 })).rejects.toMatchObject({ code: 'METAINFO_FILE_MISSING' });
  });

  it('skips symlinks unless asked, and never loops when following them', async () => {
    const { dir, cleanup } = makeTree({ 'd/real/f': 100 });
    try {
      symlinkSync(join(dir, 'd/real'), join(dir, 'd/link'));
      symlinkSync(join(dir, 'd'), join(dir, 'd/real/loop'));
      symlinkSync(join(dir, 'nowhere'), join(dir, 'd/dangling'));
      const skip = await createTorrent(join(dir, 'd'), fixed);
      expect(skip.files.map((f) => f.path.join('/'))).toEqual(['real/f']);
      const follow = await createTorrent(join(dir, 'd'), { ...fixed, followSymlinks: true });
      expect(follow.files.map((f) => f.path.join('/'))).toEqual(['link/f', 'real/f']);
    } finally {
      cleanup();
    }
  });

  it('writes trackers, web seeds, private, source, comment; omits date and creator on request', async () => {
    const r = await createTorrent(root, {
      announce: [['http://127.0.0.1:1/announce', 'http://127.0.0.1:2/announce'], ['udp://127.0.0.1:3']],
      urlList: ['http://127.0.0.1:4/'], private: true, source: 'TK', comment: 'hi',
      createdBy: null, creationDate: null, name: 'renamed', threads: 0,
    });
    const top = decode(r.torrent) as BDict;
    expect(Object.keys(top).sort()).toEqual(['announce', 'announce-list', 'comment', 'info', 'url-list']);
    expect(str(top.announce)).toBe('http://127.0.0.1:1/announce');
    expect((top['announce-list'] as Uint8Array[][]).map((tier) => tier.map(str))).toEqual([
      ['http://127.0.0.1:1/announce', 'http://127.0.0.1:2/announce'], ['udp://127.0.0.1:3'],
    ]);
    const info = top.info as BDict;
    expect([info.private, str(info.source), str(info.name)]).toEqual([1, 'TK', 'renamed']);
    const parsed = parseTorrent(r.torrent);
    expect(parsed.private).toBe(true);
    expect(parsed.urlList).toEqual(['http://127.0.0.1:4/']);
    const single = decode((await createTorrent(root, { ...fixed, announce: 'http://127.0.0.1:1/announce' })).torrent) as BDict;
    expect(single['announce-list']).toBeUndefined();
  });

  it('builds v2 and hybrid torrents that the parser accepts with the same info hashes', async () => {
    for (const version of ['v2', 'hybrid'] as const) {
      // includes `empty` right after an unaligned file: it sits after the pad, as libtorrent puts it
      const r = await createTorrent(root, { ...fixed, version, pieceLength: 16384 });
      const p = parseTorrent(r.torrent);
      expect(p.version).toBe(version);
      expect(p.infoHashV2).toBe(r.infoHashV2);
      expect(p.infoHash).toBe(r.infoHash);
      expect(p.pieceLayers.size).toBe(2); // a.bin and b.bin are larger than one piece
      if (version === 'hybrid') {
        const pads = p.files.filter((f) => f.pad);
        expect(pads.every((f) => f.path.at(-2) === '.pad' && (f.offset + f.length) % 16384 === 0)).toBe(true);
        expect(p.length % 16384).toBe(0); // tail pad after the last file
      }
    }
  });

  it('picks the piece length by rule and validates explicit ones', async () => {
    const auto = await createTorrent(root, fixed);
    expect(auto.pieceLength).toBe(16384);
    await expect(createTorrent(root, { ...fixed, pieceLength: 1000 })).rejects.toMatchObject({ code: 'METAINFO_INVALID_PIECE_LENGTH' });
    await expect(createTorrent(root, { ...fixed, pieceLength: 65536, maxPieceLength: 32768 })).rejects.toMatchObject({ code: 'METAINFO_INVALID_PIECE_LENGTH' });
  });

  it('fails clearly on missing paths, empty directories and all-empty files', async () => {
    await expect(createTorrent(join(t.dir, 'missing'), fixed)).rejects.toMatchObject({ code: 'METAINFO_FILE_MISSING' });
    const { dir, cleanup } = makeTree({ 'e/zero': 0 });
    try {
      mkdirSync(join(dir, 'empty-dir'));
      await expect(createTorrent(join(dir, 'empty-dir'), fixed)).rejects.toMatchObject({ code: 'METAINFO_NO_FILES' });
      await expect(createTorrent(join(dir, 'e'), fixed)).rejects.toMatchObject({ code: 'METAINFO_INVALID_LENGTH' });
    } finally {
      cleanup();
    }
  });

  it('accepts several paths or an explicit file list', async () => {
    const many = await createTorrent([join(root, 'sub'), join(t.dir, 'single.bin')], { ...fixed, name: 'pack' });
    expect(many.files.map((f) => f.path.join('/'))).toEqual(['single.bin', 'sub/c.bin']);
    await expect(createTorrent([root, join(t.dir, 'single.bin')], fixed)).rejects.toMatchObject({ code: 'METAINFO_MISSING_NAME' });
    writeFileSync(join(t.dir, 'x'), 'xyz');
    const list = await createTorrent({ files: [{ path: join(t.dir, 'x'), name: 'dir/x.txt' }] }, { ...fixed, name: 'listed' });
    expect(list.files).toEqual([{ path: ['dir', 'x.txt'], length: 3 }]);
    await expect(createTorrent({ files: [{ path: join(t.dir, 'x'), name: '../x' }] }, { ...fixed, name: 'n' })).rejects.toMatchObject({ code: 'METAINFO_INVALID_NAME' });
  });

  it('refuses two files at one torrent path, and a path that is both a file and a directory', async () => {
    writeFileSync(join(t.dir, 'y'), 'y');
    const x = join(t.dir, 'x');
    const y = join(t.dir, 'y');
    for (const version of ['v1', 'v2', 'hybrid'] as const) {
      const twice = { files: [{ path: x, name: 'd/x' }, { path: y, name: 'd/x' }] };
      await expect(createTorrent(twice, { ...fixed, version, name: 'n' })).rejects.toMatchObject({ code: 'METAINFO_INVALID_INPUT' });
      // 'd-e/z' sorts between 'd' and 'd/x' in v1 order, so neighbours alone would not show it.
      const both = { files: [{ path: x, name: 'd' }, { path: y, name: 'd-e/z' }, { path: y, name: 'd/x' }] };
      await expect(createTorrent(both, { ...fixed, version, name: 'n' })).rejects.toMatchObject({ code: 'METAINFO_INVALID_INPUT', message: expect.stringContaining('both a file and a directory') });
    }
  });

  it('passes progress and cancellation through', async () => {
    let last = 0;
    await createTorrent(root, { ...fixed, pieceLength: 16384, chunkSize: 16384, onProgress: (p) => { last = p.bytes; } });
    expect(last).toBe(40000 + 70001 + 1 + 5 + 3 + 4);
    const ac = new AbortController();
    ac.abort();
    await expect(createTorrent(root, { ...fixed, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
