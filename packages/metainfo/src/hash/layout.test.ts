import { describe, expect, it } from 'vitest';
import { chunkSizeFor, layoutFiles, planChunks } from './layout.ts';

describe('layoutFiles', () => {
  it('v1 puts files back to back', () => {
    const l = layoutFiles([10, 0, 20], 16, 'v1');
    expect(l.files.map((f) => [f.offset, f.padAfter])).toEqual([[0, 0], [10, 0], [10, 0]]);
    expect([l.length, l.dataLength, l.pieceCount]).toEqual([30, 30, 2]);
  });
  it('hybrid pads every non-empty file to a piece boundary, the last one too', () => {
    const pl = 16384;
    const l = layoutFiles([100, 0, pl, pl + 1], pl, 'hybrid');
    expect(l.files.map((f) => [f.offset, f.padAfter])).toEqual([[0, pl - 100], [pl, 0], [pl, 0], [2 * pl, pl - 1]]);
    expect(l.pieceCount).toBe(4);
    expect(layoutFiles([100, 200], pl, 'hybrid', { tailPad: false }).length).toBe(pl + 200);
  });
  it('rejects v2 piece lengths that are not powers of two >= 16 KiB', () => {
    expect(() => layoutFiles([1], 8192, 'v2')).toThrow(RangeError);
    expect(() => layoutFiles([1], 49152, 'hybrid')).toThrow(RangeError);
    expect(() => layoutFiles([1], 0, 'v1')).toThrow(RangeError);
    expect(() => layoutFiles([-1], 16384, 'v1')).toThrow(RangeError);
    expect(layoutFiles([1], 49152, 'v1').pieceCount).toBe(1);
  });
});

describe('planChunks', () => {
  it('covers every byte once, with chunks that run across file boundaries', () => {
    const lengths = [5000, 1, 0, 70000, 3, 40000];
    for (const mode of ['v1', 'hybrid', 'v2'] as const) {
      const l = layoutFiles(lengths, 16384, mode);
      const chunks = [...planChunks(l, 32768)];
      const seen = lengths.map(() => 0);
      let bytes = 0;
      for (const c of chunks) {
        expect(c.start % 16384).toBe(0);
        for (const s of c.segments) {
          expect(s.position).toBe(seen[s.file]);
          seen[s.file]! += s.length;
          expect(s.at + s.length).toBeLessThanOrEqual(c.length);
        }
        bytes += c.dataBytes;
      }
      expect(seen).toEqual(lengths);
      expect(bytes).toBe(l.dataLength);
      if (mode === 'v1') expect(chunks[0]!.segments.length).toBeGreaterThan(1);
      if (mode !== 'v1') {
        const tree = chunks.flatMap((c) => c.tree);
        expect(tree.filter((t) => t.file === 3).map((t) => [t.piece, t.length, t.width])).toEqual([[0, 16384, 1], [1, 16384, 1], [2, 16384, 1], [3, 16384, 1], [4, 70000 - 65536, 1]]);
        expect(tree.filter((t) => t.file === 0).map((t) => t.width)).toEqual([1]);
        expect(tree.some((t) => t.file === 2)).toBe(false); // empty file: no pieces
      }
    }
  });
  it('chunk size is whole pieces, at least one', () => {
    expect(chunkSizeFor(16384, 4 << 20)).toBe(4 << 20);
    expect(chunkSizeFor(16 << 20, 4 << 20)).toBe(16 << 20);
    expect(chunkSizeFor(3 << 20, 4 << 20)).toBe(3 << 20);
  });
});
