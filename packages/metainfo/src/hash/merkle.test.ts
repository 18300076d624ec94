import { describe, expect, it } from 'vitest';
import { hashChunk, hashScratch, pageAlignedBytes, windowFor } from './chunk-hash.ts';
import { defaultDigests, loadNobleDigests } from './digest.ts';
import { blocksRoot, merkleRoot, nextPow2, padRoot, rootFromPieceLayer } from './merkle.ts';
import { hex, pseudoRandomBytes, referenceLayer, referencePieces, referenceRoot } from './test-files.ts';

const nobleDigests = await loadNobleDigests();

describe('digests', () => {
  it('native and noble agree on SHA-1 and SHA-256', () => {
    const native = defaultDigests();
    expect(native.kind).toBe('native'); // node:crypto is present on Node, Deno and Bun
    for (const n of [0, 1, 55, 64, 16384, 100000]) {
      const data = pseudoRandomBytes(n, n + 7);
      expect(hex(native.sha1(data))).toBe(hex(nobleDigests.sha1(data)));
      expect(hex(native.sha256(data))).toBe(hex(nobleDigests.sha256(data)));
    }
  });
  it('SHA-1 of "abc" is the FIPS 180 vector', () => {
    expect(hex(defaultDigests().sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('merkle (BEP 52)', () => {
  const d = defaultDigests();
  it('pad roots are hashes of pairs of zero subtrees', () => {
    expect(hex(padRoot(d, 0))).toBe('0'.repeat(64));
    const pair = new Uint8Array(64);
    expect(hex(padRoot(d, 1))).toBe(hex(d.sha256(pair)));
  });
  it('nextPow2', () => {
    expect([1, 2, 3, 4, 5, 1000].map(nextPow2)).toEqual([1, 2, 4, 4, 8, 1024]);
  });
  it('blocksRoot equals the reference root for odd sizes up to one piece', () => {
    const scratch = new Uint8Array(32 * 64);
    for (const n of [1, 100, 16383, 16384, 16385, 40000, 65536, 100000]) {
      const data = pseudoRandomBytes(n, n);
      const width = nextPow2(Math.ceil(n / 16384));
      expect(hex(blocksRoot(d, data, width, scratch))).toBe(hex(referenceRoot(data)));
    }
  });
  it('root from piece layer equals the reference root for many-piece files', () => {
    for (const [n, pl] of [[32769, 16384], [5 * 65536 + 3, 65536], [8 * 32768, 32768], [1_000_000, 16384]] as const) {
      const data = pseudoRandomBytes(n, 3);
      const layer = referenceLayer(data, pl);
      expect(hex(rootFromPieceLayer(d, layer, pl))).toBe(hex(referenceRoot(data)));
    }
  });
  it('merkleRoot rejects impossible shapes', () => {
    expect(() => merkleRoot(d, new Uint8Array(0), 1)).toThrow(RangeError);
    expect(() => merkleRoot(d, new Uint8Array(96), 2)).toThrow(RangeError);
  });
});

describe('hashChunk', () => {
  it('v1 pieces and v2 piece roots of a buffer, native = noble = reference', () => {
    const pl = 32768;
    const buf = pseudoRandomBytes(3 * pl + 5000, 9);
    const tree = [0, pl, 2, pl, pl, 2, 2 * pl, pl, 2, 3 * pl, 5000, 2];
    const work = { length: buf.length, pieceLength: pl, tree };
    const a = hashChunk(defaultDigests(), buf, work);
    const b = hashChunk(nobleDigests, buf, work);
    expect(hex(a.sha1)).toBe(hex(referencePieces(buf, pl)));
    expect(hex(a.sha1)).toBe(hex(b.sha1));
    expect(hex(a.roots)).toBe(hex(b.roots));
    expect(hex(a.roots)).toBe(hex(referenceLayer(buf, pl)));
  });
  it('gives the same hashes whatever the window, for pieces that span several windows', () => {
    const pl = 65536;
    const buf = pseudoRandomBytes(2 * pl + 20000, 5);
    const work = { length: buf.length, pieceLength: pl, tree: [0, pl, 4, pl, pl, 4, 2 * pl, 20000, 2] };
    const expected = { sha1: hex(referencePieces(buf, pl)), roots: hex(referenceLayer(buf.subarray(0, 2 * pl), pl)) + hex(referenceRoot(buf.subarray(2 * pl))) };
    for (const w of [16384, 32768, 49152, 131072, 1 << 20]) {
      const r = hashChunk(defaultDigests(), buf, work, hashScratch(w));
      expect({ sha1: hex(r.sha1), roots: hex(r.roots) }).toEqual(expected);
    }
    const odd = hashChunk(nobleDigests, buf, { length: buf.length, pieceLength: 50000, tree: [] }, hashScratch(16384));
    expect(hex(odd.sha1)).toBe(hex(referencePieces(buf, 50000)));
    expect(() => hashScratch(1000)).toThrow(RangeError);
  });

  it('windows: whole pieces up to 1 MiB, page-aligned zeroed buffers of the asked size', () => {
    expect([16384, 131072, 262144, 1 << 20, 4 << 20, 49152 + 1].map(windowFor)).toEqual([131072, 131072, 262144, 1 << 20, 1 << 20, 131072]);
    for (const size of [1, 65536, 100_000, 1 << 20]) {
      const b = pageAlignedBytes(size);
      expect(b.length).toBe(size);
      expect(b.every((x) => x === 0)).toBe(true);
      b[size - 1] = 7;
      expect(b[size - 1]).toBe(7);
    }
  });

  it('skips v1 when the piece length is 0', () => {
    const buf = pseudoRandomBytes(20000, 1);
    const r = hashChunk(defaultDigests(), buf, { length: buf.length, pieceLength: 0, tree: [0, 20000, 2] });
    expect(r.sha1.length).toBe(0);
    expect(hex(r.roots)).toBe(hex(referenceRoot(buf)));
  });
});
