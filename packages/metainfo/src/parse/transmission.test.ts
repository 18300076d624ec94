// Transmission's fixtures: for each torrent with a `transmission-show` transcript, our info
// hashes, piece count, piece size, total size, privacy and file list match what it printed.
import { describe, expect, it } from 'vitest';
import { MetainfoError } from '../errors.ts';
import { fixture, fixtureNames, fixtureText } from '../test-fixtures.ts';
import type { ParsedTorrent } from '../types.ts';
import { parseTorrent } from './parse-torrent.ts';

interface Show {
  hashV1?: string;
  hashV2?: string;
  pieceCount: number;
  pieceSize: string;
  totalSize: string;
  private: boolean;
  files: Array<{ path: string; size: string }>;
}

function field(text: string, label: string): string | undefined {
  const m = new RegExp(`^  ${label}: (.*)$`, 'm').exec(text);
  return m?.[1];
}

function readShow(text: string): Show {
  const files: Show['files'] = [];
  const list = text.slice(text.indexOf('\nFILES\n') + 7);
  for (const line of list.split('\n')) {
    const m = /^  (.*) \(([^()]*)\)$/.exec(line);
    if (m) files.push({ path: m[1]!, size: m[2]! });
  }
  const show: Show = {
    pieceCount: Number(field(text, 'Piece Count')),
    pieceSize: field(text, 'Piece Size')!,
    totalSize: field(text, 'Total Size')!,
    private: field(text, 'Privacy') === 'Private torrent',
    files,
  };
  const v1 = field(text, 'Hash v1') ?? field(text, 'Hash');
  const v2 = field(text, 'Hash v2');
  if (v1 !== undefined) show.hashV1 = v1;
  if (v2 !== undefined) show.hashV2 = v2;
  return show;
}

const UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** True when `bytes` prints as `shown` ("2.29 GB", "512 KiB"), to the digits shown (rounded or truncated). */
function sizeMatches(bytes: number, shown: string): boolean {
  const m = /^([\d.]+) (\w+)$/.exec(shown);
  if (!m) return false;
  const unit = UNITS[m[2]!];
  if (unit === undefined) return false;
  const decimals = m[1]!.includes('.') ? m[1]!.split('.')[1]!.length : 0;
  const step = 10 ** -decimals;
  const value = bytes / unit;
  return Math.abs(value - Number(m[1])) <= step + 1e-9;
}

function displayPath(t: ParsedTorrent, i: number): string {
  return t.files[i]!.path.join('/');
}

const shows = fixtureNames('transmission', '.show');

describe('transmission-show fixtures', () => {
  it('has transcripts to compare', () => {
    expect(shows.length).toBeGreaterThanOrEqual(5);
  });

  for (const showName of shows) {
    const base = showName.slice(0, -'.show'.length);
    it(`matches ${showName}`, () => {
      const show = readShow(fixtureText(`transmission/${showName}`));
      const t = parseTorrent(fixture(`transmission/${base}.torrent`));
      expect(t.infoHash).toBe(show.hashV1);
      expect(t.infoHashV2).toBe(show.hashV2);
      if (t.version === 'v2') {
        // Transmission counts v2-only pieces over the unpadded total; BEP 52 (and libtorrent, and
        // our pieceCount) starts every file on a piece boundary. Compare Transmission's figure.
        expect(Math.ceil(t.length / t.pieceLength)).toBe(show.pieceCount);
        expect(t.pieceCount).toBe(t.files.reduce((n, f) => n + Math.ceil(f.length / t.pieceLength), 0));
      } else {
        expect(t.pieceCount).toBe(show.pieceCount);
      }
      expect(sizeMatches(t.pieceLength, show.pieceSize), `piece size ${t.pieceLength} vs ${show.pieceSize}`).toBe(true);
      expect(sizeMatches(t.length, show.totalSize), `total ${t.length} vs ${show.totalSize}`).toBe(true);
      expect(t.private).toBe(show.private);
      const ours = t.files.map((_, i) => displayPath(t, i)).sort();
      expect(ours).toEqual(show.files.map((f) => f.path).sort());
      for (let i = 0; i < t.files.length; i++) {
        const shown = show.files.find((f) => f.path === displayPath(t, i))!;
        expect(sizeMatches(t.files[i]!.length, shown.size), `${shown.path}: ${t.files[i]!.length} vs ${shown.size}`).toBe(true);
      }
    });
  }

  it('accepts the unordered info dict and hashes the bytes as written', () => {
    const t = parseTorrent(fixture('transmission/unordered-info-dict.torrent'));
    expect(t.infoHash).toMatch(/^[0-9a-f]{40}$/);
    expect(t.infoBytes.length).toBeGreaterThan(0);
  });

  // Transmission's own tests on the `pieces` key: only the well-formed one loads.
  const piecesCases: Record<string, boolean> = {
    'perfect-pieces.torrent': true,
    'missing-pieces-key.torrent': false,
    'bad-pieces-key.torrent': false,
    'empty-pieces-key.torrent': false,
    'invalid-pieces-length.torrent': false,
    'too-few-pieces.torrent': false,
    'too-many-pieces.torrent': false,
  };
  for (const [name, ok] of Object.entries(piecesCases)) {
    it(`${ok ? 'accepts' : 'rejects'} ${name}`, () => {
      let result: unknown;
      try {
        result = parseTorrent(fixture(`transmission/${name}`));
      } catch (err) {
        expect(err).toBeInstanceOf(MetainfoError);
        result = undefined;
      }
      expect(result !== undefined).toBe(ok);
    });
  }

  it('parses or cleanly rejects every Transmission fixture', () => {
    for (const name of fixtureNames('transmission', '.torrent')) {
      try {
        parseTorrent(fixture(`transmission/${name}`));
      } catch (err) {
        expect(err, name).toBeInstanceOf(MetainfoError);
      }
    }
  });
});
