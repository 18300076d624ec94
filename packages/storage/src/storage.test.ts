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
