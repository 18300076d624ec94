import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8, sortByPath } from './order.ts';

const utf8 = new TextEncoder();
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe('compareUtf8', () => {
  it('orders like the UTF-8 bytes, surrogate pairs included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '/', '-', 'é', '\uE000', '\uFFFD', '😀', '𝄞', '\u0000') });
    fc.assert(fc.property(text, text, (a, b) => {
      expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(compareBytes(utf8.encode(a), utf8.encode(b))));
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(compareBytes(utf8.encode(a), utf8.encode(b))));
    }), { numRuns: 2000 });
  });

  it('puts a character above U+FFFF after U+E000..U+FFFF, unlike UTF-16 order', () => {
    expect('😀' < '\uFFFD').toBe(true);
    expect(compareUtf8('😀', '\uFFFD')).toBeGreaterThan(0);
  });
});

describe('sortByPath', () => {
  const files = [['a', 'y'], ['a-b', 'x'], ['a', 'b', 'c'], ['😀'], ['\uFFFD']];
  it('v1 sorts by the joined path bytes', () => {
    expect(sortByPath(files, (f) => f, 'v1')).toEqual([['a-b', 'x'], ['a', 'b', 'c'], ['a', 'y'], ['\uFFFD'], ['😀']]);
  });
  it('v2 and hybrid sort component by component', () => {
    expect(sortByPath(files, (f) => f, 'hybrid')).toEqual([['a', 'b', 'c'], ['a', 'y'], ['a-b', 'x'], ['\uFFFD'], ['😀']]);
  });
});
