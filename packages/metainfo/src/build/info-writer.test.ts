// The streamed info dict against the plain definition: the same dict built as objects and encoded
// by @torrentkit/bencode must give the same bytes, for random file trees in every version.
import { encode } from '@torrentkit/bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetainfoError } from '../errors.ts';
import { layoutFiles } from '../hash/layout.ts';
import { BencodeSink } from './bencode-sink.ts';
import { encodeInfo, type InfoFields, type InfoFiles } from './info-writer.ts';
import { sortByPath } from './order.ts';

interface TestFile {
  path: string[];
  length: number;
  root: Uint8Array;
}

/** The info dict as objects, straight from BEP 3, 47 and 52. */
function referenceInfo(files: TestFile[], pads: number[], pieces: Uint8Array, f: InfoFields): Record<string, unknown> {
  const info: Record<string, unknown> = { name: f.name, 'piece length': f.pieceLength };
  if (f.private) info.private = 1;
  if (f.source) info.source = f.source;
  if (f.version !== 'v2') {
    info.pieces = pieces;
    if (f.single) info.length = files[0]!.length;
    else {
      info.files = files.flatMap((file, i) => {
        const entry = [{ length: file.length, path: file.path }];
        if (f.version === 'hybrid' && pads[i]! > 0) return [...entry, { attr: 'p', length: pads[i], path: ['.pad', String(pads[i])] }];
        return entry;
      });
    }
  }
  if (f.version !== 'v1') {
    info['meta version'] = 2;
    const tree = new Map<string, unknown>();
    for (const file of files) {
      const path = f.single ? [f.name] : file.path;
      let node = tree;
      for (const c of path.slice(0, -1)) {
        if (!node.has(c)) node.set(c, new Map());
        node = node.get(c) as Map<string, unknown>;
      }
      node.set(path[path.length - 1]!, { '': file.length > 0 ? { length: file.length, 'pieces root': file.root } : { length: file.length } });
    }
    info['file tree'] = tree;
  }
  return info;
}

function source(files: TestFile[], pads: number[]): InfoFiles {
  return {
    count: files.length,
    components: (i) => files[i]!.path.length,
    component: (i, k) => files[i]!.path[k]!,
    length: (i) => files[i]!.length,
    padAfter: (i) => pads[i]!,
    piecesRoot: (i) => files[i]!.root,
  };
}

const name = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '.', '-', ' ', 'é', '日', '😀', '\uDC80'), minLength: 1, maxLength: 5 });
const tree = fc.uniqueArray(fc.array(name, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12, selector: (p) => p.join('/') });

describe('writeInfo', () => {
  it('gives the bytes of the reference dict, in every version, with pads, private and source', () => {
    fc.assert(fc.property(
      tree, fc.constantFrom('v1', 'v2', 'hybrid' as const), fc.boolean(), fc.option(name, { nil: undefined }), fc.nat(3),
      (paths, version, priv, src, seed) => {
        const pieceLength = 16384;
        // Keep only paths that no other path runs through (a file cannot also be a directory).
        const usable = paths.filter((p) => !paths.some((q) => q.length > p.length && p.every((c, i) => q[i] === c)));
        const sorted = sortByPath(usable, (p) => p, version);
        const files = sorted.map((path, i) => ({
          path, length: ((i + seed) * 7919) % 50_000, root: new Uint8Array(32).fill(i + 1),
        }));
        const layout = layoutFiles(files.map((f) => f.length), pieceLength, version);
        const pads = layout.files.map((p) => p.padAfter);
        const pieces = new Uint8Array(layout.pieceCount * 20).fill(7);
        const fields: InfoFields = { version, name: 'torrent ü', pieceLength, single: false, private: priv, source: src };
        const ours = encodeInfo(source(files, pads), pieces, fields);
        expect(Buffer.from(ours).equals(Buffer.from(encode(referenceInfo(files, pads, pieces, fields))))).toBe(true);
      },
    ), { numRuns: 400 });
  });

  it('writes single-file torrents: length, and a file tree of just the name', () => {
    for (const version of ['v1', 'v2', 'hybrid'] as const) {
      const files = [{ path: [], length: 40_000, root: new Uint8Array(32).fill(9) }];
      const pieces = new Uint8Array(60).fill(1);
      const fields: InfoFields = { version, name: 'one.bin', pieceLength: 16384, single: true };
      const ours = encodeInfo(source(files, [0]), pieces, fields);
      expect(Buffer.from(ours).equals(Buffer.from(encode(referenceInfo(files, [0], pieces, fields))))).toBe(true);
    }
  });

  it('writes one directory for two spellings with the same bytes', () => {
    const files = [
      { path: ['é', 'a'], length: 1, root: new Uint8Array(32).fill(1) },
      { path: ['\uDCC3\uDCA9', 'b'], length: 1, root: new Uint8Array(32).fill(2) },
    ];
    const fields: InfoFields = { version: 'v2', name: 'x', pieceLength: 16384, single: false };
    const ours = encodeInfo(source(files, [0, 0]), new Uint8Array(0), fields);
    const tree = { 'é': { a: { '': { length: 1, 'pieces root': files[0]!.root } }, b: { '': { length: 1, 'pieces root': files[1]!.root } } } };
    expect(Buffer.from(ours).equals(Buffer.from(encode({ 'file tree': tree, 'meta version': 2, name: 'x', 'piece length': 16384 })))).toBe(true);
  });

  it('rejects a path that is both a file and a directory', () => {
    const files = [
      { path: ['a'], length: 1, root: new Uint8Array(32) },
      { path: ['a', 'b'], length: 1, root: new Uint8Array(32) },
    ];
    const fields: InfoFields = { version: 'v2', name: 'x', pieceLength: 16384, single: false };
    expect(() => encodeInfo(source(files, [0, 0]), new Uint8Array(0), fields)).toThrow(MetainfoError);
  });
});

describe('BencodeSink', () => {
  it('counts exactly what it writes, integers and strings included', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.maxSafeInteger(), fc.string(), fc.nat())), (items) => {
      const bytes = BencodeSink.encode((sink) => {
        sink.start('l');
        items.forEach((x, i) => {
          if (typeof x === 'string') sink.string(x);
          else if (i % 2 === 0 && x >= 0) sink.decimalString(x);
          else sink.integer(x);
        });
        sink.end();
      });
      const expected = items.map((x, i) => (typeof x === 'number' && i % 2 === 0 && x >= 0 ? String(x) : x));
      expect(Buffer.from(bytes).equals(Buffer.from(encode(expected)))).toBe(true);
    }), { numRuns: 500 });
  });
});
