import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { createLayout } from './layout.ts';
import { MemoryStore } from './memory-store.ts';
import { Storage } from './storage.ts';

const layout = createLayout({
  pieceLength: 16,
  files: [
    { path: ['a'], length: 10 },
    { path: ['.pad', '6'], length: 6, pad: true },
    { path: ['b'], length: 20 },
  ],
});

describe('Storage on a MemoryStore', () => {
  it('writes blocks across files, drops pad bytes, reads them back', async () => {
    const store = new MemoryStore(layout);
    const s = new Storage(layout, store);
    const block = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    await s.writeBlock(0, 0, block);
    expect(store.get(0)).toEqual(block.subarray(0, 10));
    expect(store.get(1)).toBeUndefined(); // pad file never stored
    const back = await s.readBlock(0, 0, 16);
    expect([...back]).toEqual([...block.subarray(0, 10), 0, 0, 0, 0, 0, 0]);
    await s.writeBlock(2, 2, Uint8Array.of(7, 8));
    expect((await s.readPiece(2))).toEqual(Uint8Array.of(0, 0, 7, 8));
    expect((await store.stat(2))?.size).toBe(20);
  });

  it('reads unwritten data as zeros and reuses a caller buffer', async () => {
    const s = new Storage(layout, new MemoryStore(layout));
    const target = new Uint8Array(32).fill(9);
    const out = await s.readBlock(1, 4, 8, target);
    expect(out.buffer).toBe(target.buffer);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('preallocates to full length even after the buffer has grown past what was written', async () => {
    const two = createLayout({ pieceLength: 100, files: [{ path: ['a'], length: 100 }, { path: ['b'], length: 100 }] });
    const store = new MemoryStore(two);
    const s = new Storage(two, store);
    await s.writeBlock(0, 0, new Uint8Array(60).fill(1));
    await s.writeBlock(0, 60, new Uint8Array(10).fill(2)); // geometric growth: buffer 100, size 70
    await s.writeBlock(1, 0, new Uint8Array(10).fill(3));
    await s.preallocate();
    expect((await store.stat(0))?.size).toBe(100);
    expect((await store.stat(1))?.size).toBe(100);
    expect([...(await s.readBlock(0, 58, 14))]).toEqual([1, 1, ...new Array(10).fill(2), 0, 0]);
    expect(store.get(1)?.subarray(8, 12)).toEqual(Uint8Array.of(3, 3, 0, 0));
  });

  it('preallocates and closes', async () => {
    const store = new MemoryStore(layout);
    const s = new Storage(layout, store);
    await s.preallocate();
    expect((await store.stat(0))?.size).toBe(10);
    await s.close();
    await expect(store.read(0, 0, new Uint8Array(1))).rejects.toMatchObject({ code: 'STORAGE_CLOSED' });
  });
});

describe('Bitfield', () => {
  it('uses BEP 3 bit order', () => {
    const b = new Bitfield(10);
    b.set(0);
    b.set(9);
    expect([...b.bytes]).toEqual([0x80, 0x40]);
    expect(b.has(9)).toBe(true);
    expect(b.has(10)).toBe(false);
    expect(b.count).toBe(2);
    b.set(0, false);
    expect(b.complete).toBe(false);
  });
});

describe('Storage (property)', () => {
  it('random block writes over random layouts read back like one flat buffer with zero pads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.record({ length: fc.integer({ min: 0, max: 90 }), pad: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 20 }),
        async (pieceLength, files, writes) => {
          const layout = createLayout({ pieceLength, files: files.map((f, i) => ({ path: [`f${i}`], ...f })) });
          if (layout.pieceCount === 0) return;
          const total = layout.files.reduce((n, f) => n + f.length, 0);
          const flat = new Uint8Array(total);
          const s = new Storage(layout, new MemoryStore(layout));
          for (const [p, o, l, v] of writes) {
            const piece = p % layout.pieceCount;
            const size = layout.pieceSize(piece);
            const offset = o % size;
            const length = 1 + (l % (size - offset));
            await s.writeBlock(piece, offset, new Uint8Array(length).fill(v));
            flat.fill(v, piece * pieceLength + offset, piece * pieceLength + offset + length);
          }
          // pad bytes are never stored: they read back as zeros
          for (const f of layout.files) if (f.pad) flat.fill(0, f.offset, f.offset + f.length);
          const back = new Uint8Array(total);
          for (let p = 0; p < layout.pieceCount; p++) back.set(await s.readPiece(p), p * pieceLength);
          expect(back).toEqual(flat);
        },
      ),
      { numRuns: 150 },
    );
  });
});
