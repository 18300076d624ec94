import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StorageError } from './errors.ts';
import { createLayout } from './layout.ts';

describe('layout v1', () => {
  const layout = createLayout({
    pieceLength: 16,
    files: [
      { path: ['a'], length: 10 },
      { path: ['empty'], length: 0 },
      { path: ['.pad', '6'], length: 6, pad: true },
      { path: ['b'], length: 20 },
    ],
  });

  it('places files back to back, pad files included', () => {
    expect(layout.files.map((f) => f.offset)).toEqual([0, 10, 10, 16]);
    expect(layout.totalLength).toBe(36);
    expect(layout.pieceCount).toBe(3);
    expect([0, 1, 2].map((i) => layout.pieceSize(i))).toEqual([16, 16, 4]);
    expect(layout.piecesOfFile(0)).toEqual([0, 0]);
    expect(layout.piecesOfFile(1)).toBeUndefined();
    expect(layout.piecesOfFile(3)).toEqual([1, 2]);
  });

  it('splits a block across file boundaries and marks pad runs', () => {
    expect(layout.spans(0, 8, 8)).toEqual([
      { file: 0, position: 8, length: 2, blockOffset: 0, pad: false },
      { file: 2, position: 0, length: 6, blockOffset: 2, pad: true },
    ]);
    expect(layout.spans(2, 0, 4)).toEqual([{ file: 3, position: 16, length: 4, blockOffset: 0, pad: false }]);
  });

  it('rejects blocks outside the piece and pieces outside the torrent', () => {
    expect(() => layout.spans(2, 0, 5)).toThrowError(StorageError);
    expect(() => layout.spans(0, -1, 2)).toThrowError(StorageError);
    expect(() => layout.pieceSize(3)).toThrowError(expect.objectContaining({ code: 'STORAGE_PIECE_OUT_OF_RANGE' }));
    expect(() => layout.spans(1.5, 0, 1)).toThrowError(StorageError);
  });

  it('rejects invalid input', () => {
    expect(() => createLayout({ pieceLength: 0, files: [] })).toThrowError(expect.objectContaining({ code: 'STORAGE_INVALID_LAYOUT' }));
    expect(() => createLayout({ pieceLength: 16, files: [{ path: ['x'], length: -1 }] })).toThrowError(StorageError);
  });

  it('covers every byte exactly once (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 8 }), (pl, lens) => {
        const l = createLayout({ pieceLength: pl, files: lens.map((length, i) => ({ path: [`f${i}`], length })) });
        const seen = lens.map((n) => new Uint8Array(n));
        for (let p = 0; p < l.pieceCount; p++) {
          for (const s of l.spans(p, 0, l.pieceSize(p))) for (let k = 0; k < s.length; k++) seen[s.file]![s.position + k]! += 1;
        }
        expect(seen.every((s) => s.every((v) => v === 1))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('layout v2', () => {
  const layout = createLayout({
    version: 2,
    pieceLength: 16,
    files: [
      { path: ['a'], length: 20 },
      { path: ['empty'], length: 0 },
      { path: ['b'], length: 5 },
      { path: ['c'], length: 32 },
    ],
  });

  it('starts every file on a piece boundary; the last piece of each file is short', () => {
    expect(layout.files.map((f) => f.offset)).toEqual([0, 32, 32, 48]);
    expect(layout.pieceCount).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => layout.pieceSize(i))).toEqual([16, 4, 5, 16, 16]);
    expect(layout.fileOfPiece(2).path).toEqual(['b']);
    expect(layout.spans(1, 0, 4)).toEqual([{ file: 0, position: 16, length: 4, blockOffset: 0, pad: false }]);
    expect(() => layout.spans(1, 0, 5)).toThrowError(StorageError);
    expect(layout.totalLength).toBe(57);
  });

  it('refuses explicit pad files', () => {
    expect(() => createLayout({ version: 2, pieceLength: 16, files: [{ path: ['p'], length: 3, pad: true }] })).toThrowError(StorageError);
  });
});
