// Hybrid torrents (BEP 52 + v1) with empty files and symlinks. These hold no bytes and have no
// `pieces root`; libtorrent's creator puts them after the pad file that follows a file ending
// mid-piece, other creators before it. Both must parse; files that hold data must still agree.
import { decode, encode, type BDict } from '@torrentkit/bencode';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MetainfoError } from '../errors.ts';
import { fixture } from '../test-fixtures.ts';
import { parseTorrent } from './parse-torrent.ts';

/** A torrent made by libtorrent 2.0's creator (see test-data/make-libtorrent-hybrids.py). */
function made(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test-data/${name}`, import.meta.url))));
}

function codeOf(bytes: Uint8Array): string {
  try {
    parseTorrent(bytes);
  } catch (err) {
    if (err instanceof MetainfoError) return err.code;
    throw err;
  }
  return 'accepted';
}

/** Re-encodes `bytes` after `change` edits its info dict (v1 `files` list included). */
function edited(bytes: Uint8Array, change: (info: BDict, files: BDict[]) => void): Uint8Array {
  const top = decode(bytes, { copy: true }) as BDict;
  const info = top['info'] as BDict;
  change(info, info['files'] as BDict[]);
  return encode(top);
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const view = (bytes: Uint8Array) =>
  parseTorrent(bytes).files.map((f) => [f.path.join('/'), f.length, f.offset, f.pad, f.piecesRoot !== undefined]);

describe('hybrid torrents with empty files', () => {
  it('parses libtorrent-made hybrids with empty files, as libtorrent lists them', () => {
    const t = parseTorrent(made('lt-hybrid-empty-files.torrent'));
    expect(t.version).toBe('hybrid');
    // Info hashes and layout as libtorrent's torrent_info reports them for the same bytes.
    expect(t.infoHash).toBe('bc02168292fc3a31a83de9f4895cd849b6df45c6');
    expect(t.infoHashV2).toBe('a1cc16d4259e516562304a317cba0f94647a57a124527e5356117e7c2fc553aa');
    expect(t.pieceCount).toBe(3);
    expect(t.length).toBe(49152);
    expect(view(t.bytes)).toEqual([
      ['d/a.txt', 1100, 0, false, true],
      ['d/.pad/15284', 15284, 1100, true, false],
      ['d/b-empty', 0, 16384, false, false],
      ['d/c.bin', 20000, 16384, false, true],
      ['d/.pad/12768', 12768, 36384, true, false],
      ['d/z-empty', 0, 49152, false, false],
    ]);
  });

  it('parses libtorrent-made hybrids with a symlink after a pad file', () => {
    const t = parseTorrent(made('lt-hybrid-symlink.torrent'));
    expect(t.infoHash).toBe('63a5eccd65a3b20e1e0bf1f52158950365dbfb2d');
    expect(t.infoHashV2).toBe('977b6878e6648006b96e3320f3af39401706d05c08d3932dad33c3c36ec83594');
    expect(t.files[2]).toMatchObject({ path: ['d', 'b-link'], symlink: true, symlinkPath: ['a.txt'], length: 0, offset: 16384 });
    expect(t.files.at(-1)).toMatchObject({ path: ['d', 'd-empty'], length: 0, offset: 49152 });
  });

  it("parses libtorrent's empty-file hybrid fixtures, roots on every non-empty file", () => {
    for (const name of ['empty-files-1', 'empty-files-2', 'empty-files-3', 'empty-files-4', 'empty-files-5', 'v2_empty_file']) {
      const t = parseTorrent(fixture(`libtorrent/${name}.torrent`));
      expect(t.version, name).toBe('hybrid');
      const real = t.files.filter((f) => !f.pad);
      expect(real.some((f) => f.length === 0), name).toBe(true);
      for (const f of real) expect(f.piecesRoot !== undefined, `${name} ${f.path.join('/')}`).toBe(f.length > 0);
    }
  });

  it('accepts an empty file listed before the pad file instead of after it', () => {
    const bytes = edited(made('lt-hybrid-empty-files.torrent'), (_, files) => {
      const [pad, empty] = files.splice(1, 2);
      files.splice(1, 0, empty!, pad!);
    });
    expect(view(bytes).slice(0, 3)).toEqual([
      ['d/a.txt', 1100, 0, false, true],
      ['d/b-empty', 0, 1100, false, false],
      ['d/.pad/15284', 15284, 1100, true, false],
    ]);
  });

  it('places every v2-only file, empty ones too, on a piece boundary', () => {
    const bytes = edited(made('lt-hybrid-empty-files.torrent'), (info) => {
      delete info['files'];
      delete info['pieces'];
    });
    const t = parseTorrent(bytes);
    expect(t.version).toBe('v2');
    expect(t.files.map((f) => [f.path.join('/'), f.offset])).toEqual([
      ['d/a.txt', 0],
      ['d/b-empty', 16384],
      ['d/c.bin', 16384],
      ['d/z-empty', 49152],
    ]);
    expect(t.pieceCount).toBe(3);
  });

  it('still rejects hybrids whose two file lists disagree', () => {
    const lt = made('lt-hybrid-empty-files.torrent');
    const sym = made('lt-hybrid-symlink.torrent');
    const cases: Record<string, Uint8Array> = {
      'an empty file renamed in v1': edited(lt, (_, files) => {
        files[2]!['path'] = [text('b-other')];
      }),
      'an empty file in v1 has bytes in v1': edited(lt, (_, files) => {
        files[2]!['length'] = 5;
      }),
      'an empty file only in v1': edited(lt, (_, files) => {
        files.splice(2, 0, { length: 0, path: [text('extra')] } as unknown as BDict);
      }),
      'an empty file missing from v1': edited(lt, (_, files) => {
        files.splice(2, 1);
      }),
      'a file with data moved in v1 (pad removed)': edited(lt, (_, files) => {
        files.splice(1, 1);
      }),
      'a symlink moved before its pad file in v1': edited(sym, (_, files) => {
        const [pad, link] = files.splice(1, 2);
        files.splice(1, 0, link!, pad!);
      }),
      'a symlink pointing elsewhere in v1': edited(sym, (_, files) => {
        files[2]!['symlink path'] = [text('c.bin')];
      }),
      'a v1 tail pad file a whole piece longer': edited(lt, (_, files) => {
        files[4]!['length'] = 12768 + 16384;
        files[4]!['path'] = [text('.pad'), text(String(12768 + 16384))];
      }),
    };
    for (const [what, bytes] of Object.entries(cases)) expect(codeOf(bytes), what).toBe('METAINFO_INCONSISTENT_FILES');
  });
});

describe('hybrid torrents without v1 piece hashes', () => {
  it('are refused: a v1 view needs its pieces (libtorrent refuses them too)', () => {
    const bytes = made('lt-hybrid-empty-files.torrent');
    expect(codeOf(bytes)).toBe('accepted');
    expect(codeOf(edited(bytes, (info) => delete info['pieces']))).toBe('METAINFO_MISSING_PIECES');
  });
});
