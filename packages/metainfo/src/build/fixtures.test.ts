// The BEP 52 reference torrents (libtorrent-made, in ../shared/fixtures/transmission) as known
// answers for the builder's structure: file order, pad file placement and the info dict itself.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultDigests } from '../hash/digest.ts';
import { layoutFiles } from '../hash/layout.ts';
import { hex } from '../hash/test-files.ts';
import { parseTorrent } from '../parse/parse-torrent.ts';
import type { ParsedTorrent } from '../types.ts';
import { encodeInfo } from './info-writer.ts';
import { sortByPath } from './order.ts';

const dir = new URL('../../../../../shared/fixtures/transmission/', import.meta.url);
const load = (name: string): ParsedTorrent => parseTorrent(new Uint8Array(readFileSync(new URL(name, dir))));
const present = existsSync(new URL('bittorrent-v2-test.torrent', dir));

describe.skipIf(!present)('BEP 52 reference torrents', () => {
  it('v2: our file order and info dict reproduce the v2 info hash from its pieces roots', () => {
    const t = load('bittorrent-v2-test.torrent');
    const files = t.files.map((f) => ({ path: f.path.slice(1), length: f.length }));
    expect(sortByPath(files, (f) => f.path, 'v2')).toEqual(files);
    const layout = layoutFiles(files.map((f) => f.length), t.pieceLength, 'v2');
    const info = encodeInfo({
      count: files.length, components: (i) => files[i]!.path.length, component: (i, k) => files[i]!.path[k]!,
      length: (i) => files[i]!.length,
      padAfter: (i) => layout.files[i]!.padAfter, piecesRoot: (i) => t.files[i]!.piecesRoot,
    }, new Uint8Array(0), { version: 'v2', name: t.name, pieceLength: t.pieceLength, single: false });
    expect(hex(defaultDigests().sha256(info))).toBe(t.infoHashV2);
  });

  it('hybrid: same order rule, and our pads match its pad files (this 2020 file has no tail pad)', () => {
    const t = load('bittorrent-v2-hybrid-test.torrent');
    const real = t.files.filter((f) => !f.pad);
    const files = real.map((f) => ({ path: f.path.slice(1), length: f.length }));
    expect(sortByPath(files, (f) => f.path, 'hybrid')).toEqual(files);
    const layout = layoutFiles(files.map((f) => f.length), t.pieceLength, 'hybrid', { tailPad: false });
    expect(layout.files.map((f) => f.offset)).toEqual(real.map((f) => f.offset));
    const pads = t.files.filter((f) => f.pad).map((f) => f.length).sort((a, b) => a - b);
    expect(layout.files.map((f) => f.padAfter).filter((n) => n > 0).sort((a, b) => a - b)).toEqual(pads);
    expect(layout.pieceCount).toBe(t.pieceCount);
  });
});
