import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { createLayout } from './layout.ts';
import { MemoryStore } from './memory-store.ts';
import { Storage } from './storage.ts';
import { fixture, layout, sha1 } from './test-layout.ts';
import { verify } from './verify.ts';

describe('verify', () => {
  it('marks exactly the pieces whose data matches', async () => {
    const { files, pieces } = await fixture();
    files[2]![10] = files[2]![10]! ^ 1; // corrupt piece 2 (b starts at offset 64)
    const stored = files.map((f, i) => (layout.files[i]!.pad ? undefined : f));
    stored[3] = undefined; // c missing: last piece cannot match
    const s = new Storage(layout, new MemoryStore(layout, { files: stored }));
    const progress: number[] = [];
    const bits = await verify(s, pieces, { batchBytes: 64, onProgress: (n) => progress.push(n) });
    expect([0, 1, 2, 3].map((p) => bits.has(p))).toEqual([true, true, false, false]);
    expect(progress).toEqual([2, 4]);
  });

  it('checks only the requested pieces', async () => {
    const { files, pieces } = await fixture();
    const s = new Storage(layout, new MemoryStore(layout, { files }));
    const into = new Bitfield(layout.pieceCount);
    await verify(s, pieces, { pieces: [3, 1], into });
    expect([0, 1, 2, 3].map((p) => into.has(p))).toEqual([false, true, false, true]);
  });

  it('never takes bytes that are not stored for data, even when their hash would match', async () => {
    // Data of zeros: what a missing file reads as. Only stored zeros (a preallocated file) count.
    const zeros = createLayout({ pieceLength: 32, files: [{ path: ['z'], length: 40 }] });
    const hashes = new Uint8Array(40);
    hashes.set(await sha1(new Uint8Array(32)), 0);
    hashes.set(await sha1(new Uint8Array(8)), 20);
    const missing = await verify(new Storage(zeros, new MemoryStore(zeros)), hashes);
    expect([missing.has(0), missing.has(1)]).toEqual([false, false]);
    const stored = await verify(new Storage(zeros, new MemoryStore(zeros, { files: [new Uint8Array(40)] })), hashes);
    expect([stored.has(0), stored.has(1)]).toEqual([true, true]);
    const short = await verify(new Storage(zeros, new MemoryStore(zeros, { files: [new Uint8Array(36)] })), hashes);
    expect([short.has(0), short.has(1)]).toEqual([true, false]);
  });

  it('rejects a hash list of the wrong size', async () => {
    const s = new Storage(layout, new MemoryStore(layout));
    await expect(verify(s, new Uint8Array(20))).rejects.toMatchObject({ code: 'STORAGE_INVALID_LAYOUT' });
  });
});
