import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLayout, writeSampleContent } from './content.ts';

describe('sampleLayout', () => {
  it('splits the total over three files of odd, different sizes', () => {
    for (const total of [3, 1000, 2 ** 20, 24 * 2 ** 20, 24 * 2 ** 20 + 7]) {
      const files = sampleLayout(total);
      expect(files).toHaveLength(3);
      expect(files.reduce((n, f) => n + f.length, 0)).toBe(total);
      for (const f of files) expect(f.length).toBeGreaterThan(0);
      if (total >= 1000) {
        expect(files[0]!.length % 2).toBe(1);
        expect(files[1]!.length % 2).toBe(1);
      }
    }
  });

  it('gives one file for tiny totals and refuses nonsense', () => {
    expect(sampleLayout(1)).toEqual([{ path: ['alpha.bin'], length: 1 }]);
    expect(() => sampleLayout(0)).toThrow(RangeError);
    expect(() => sampleLayout(1.5)).toThrow(RangeError);
  });
});

describe('writeSampleContent', () => {
  it('writes the same pseudo-random bytes every time, different in every file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'torrentkit-demo-content-'));
    try {
      const total = 3 * 2 ** 20 + 5;
      const files = await writeSampleContent(join(dir, 'a'), total);
      await writeSampleContent(join(dir, 'b'), total);
      const heads: string[] = [];
      for (const f of files) {
        const [a, b] = await Promise.all([readFile(join(dir, 'a', ...f.path)), readFile(join(dir, 'b', ...f.path))]);
        expect(a.length).toBe(f.length);
        expect(a.equals(b)).toBe(true);
        heads.push(a.subarray(0, 64).toString('hex'));
        // Not a repeating pattern: the two halves of the first MiB differ.
        expect(a.subarray(0, 2 ** 19).equals(a.subarray(2 ** 19, 2 ** 20))).toBe(false);
      }
      expect(new Set(heads).size).toBe(files.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
