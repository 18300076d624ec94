import { encode } from '@torrentkit/bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8, encodedKey, pathComparator, sortByPath } from './order.ts';

// The reference: the bytes @torrentkit/bencode writes for a string (UTF-8, lone U+DC80..U+DCFF as raw bytes).
const utf8 = { encode: (s: string): Uint8Array => { const e = encode(s); return e.subarray(e.indexOf(0x3a) + 1); } };
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe('compareUtf8', () => {
  it('orders like the encoded bytes, surrogate pairs and lone surrogates included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '/', '-', 'é', '\uE000', '\uFFFD', '😀', '𝄞', '\u0000', '\uDC80', '\uDCC3', '\uDCFF', '\uD83D', '\uDE00', '\uDC00') });
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

describe('pathComparator', () => {
  const components = { count: (p: string[]) => p.length, at: (p: string[], i: number) => p[i]! };
  // Lone surrogates included: '\uD800' encodes as U+FFFD does, and '\uDCC3\uDCA9' as 'é' does.
  const name = fc.string({ unit: fc.constantFrom('a', 'b', '-', '.', '0', 'é', '\uE000', '😀', '\u0000', '\uDC80', '\uDCFF', '\uD800', '\uFFFD', '\uDCC3', '\uDCA9'), minLength: 1, maxLength: 4 });
  const path = fc.array(name, { minLength: 1, maxLength: 4 });
  it('v1: orders like the UTF-8 bytes of the paths joined with "/"', () => {
    const compare = pathComparator(components, 'v1');
    fc.assert(fc.property(path, path, (a, b) => {
      expect(Math.sign(compare(a, b))).toBe(Math.sign(compareBytes(utf8.encode(a.join('/')), utf8.encode(b.join('/')))));
    }), { numRuns: 5000 });
  });
  it('v2: orders component by component, a path before the paths below it', () => {
    const compare = pathComparator(components, 'v2');
    const reference = (a: string[], b: string[]): number => {
      for (let i = 0; i < a.length && i < b.length; i++) {
        const r = compareBytes(utf8.encode(a[i]!), utf8.encode(b[i]!));
        if (r !== 0) return r;
      }
      return a.length - b.length;
    };
    fc.assert(fc.property(path, path, (a, b) => {
      expect(Math.sign(compare(a, b))).toBe(Math.sign(reference(a, b)));
    }), { numRuns: 5000 });
  });
});

describe('encodedKey', () => {
  it('is equal for two paths exactly when their encoded bytes are', () => {
    const path = fc.string({ unit: fc.constantFrom('a', '/', 'é', '\uD800', '\uFFFD', '\uDCC3', '\uDCA9', '\uDC80', '😀'), maxLength: 4 });
    fc.assert(fc.property(path, path, (a, b) => {
      expect(encodedKey(a) === encodedKey(b)).toBe(compareBytes(utf8.encode(a), utf8.encode(b)) === 0);
    }), { numRuns: 5000 });
  });
});
