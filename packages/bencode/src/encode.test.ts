import { describe, expect, it } from 'vitest';
import { decode } from './decode.ts';
import { encode, encodeInto, encodingLength } from './encode.ts';
import { expectCode, latin1, text } from './test-helpers.ts';

const e = (v: unknown) => text(encode(v));

describe('encode', () => {
  it('integers: numbers, negative, -0, bigints, large exact floats', () => {
    expect(e(0)).toBe('i0e');
    expect(e(-0)).toBe('i0e');
    expect(e(42)).toBe('i42e');
    expect(e(-42)).toBe('i-42e');
    expect(e(Number.MAX_SAFE_INTEGER)).toBe('i9007199254740991e');
    expect(e(2 ** 64)).toBe('i18446744073709551616e');
    expect(e(1e21)).toBe('i1000000000000000000000e');
    expect(e(-(10n ** 30n))).toBe('i-1000000000000000000000000000000e');
  });
  it('strings as UTF-8, bytes as they are, other views and ArrayBuffers as bytes', () => {
    expect(e('spam')).toBe('4:spam');
    expect(e('')).toBe('0:');
    expect(Array.from(encode('é'))).toEqual([...latin1('2:'), 0xc3, 0xa9]);
    expect(Array.from(encode('😀'))).toEqual([...latin1('4:'), 0xf0, 0x9f, 0x98, 0x80]);
    expect(e(latin1('ab\x00\xff'))).toBe('4:ab\x00\xff');
    expect(e(new Uint16Array([0x4241]))).toBe('2:AB');
    expect(e(new Uint8Array([1, 2]).buffer)).toBe('2:\x01\x02');
  });
  it('lists and dicts with keys sorted by raw bytes', () => {
    expect(e(['spam', 42, []])).toBe('l4:spami42elee');
    expect(e({ b: 1, a: 2, X: 3 })).toBe('d1:Xi3e1:ai2e1:bi1ee');
    expect(e({})).toBe('de');
    // byte order differs from UTF-16 order here: U+FF61 (ef bd a1) < U+10000 (f0 90 80 80)
    expect(text(encode({ '\u{10000}': 1, '\uff61': 2 }))).toBe(text(latin1('d3:\xef\xbd\xa1i2e4:\xf0\x90\x80\x80i1ee')));
    // "10" sorts before "9" by bytes; JS objects put integer-like keys first in numeric order
    expect(e({ 9: 1, 10: 2 })).toBe('d2:10i2e1:9i1ee');
  });
  it('Maps with string or byte keys, sorted; duplicates rejected', () => {
    expect(e(new Map<unknown, unknown>([['b', 1], [latin1('a'), 2]]))).toBe('d1:ai2e1:bi1ee');
    expectCode(() => encode(new Map<unknown, unknown>([['a', 1], [latin1('a'), 2]])), 'BENCODE_DUPLICATE_KEY');
    expectCode(() => encode(new Map([[1, 1]])), 'BENCODE_UNSUPPORTED_TYPE');
  });
  it('null-prototype objects are dicts', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.z = 1;
    expect(e(o)).toBe('d1:zi1ee');
  });
  it('rejects floats, NaN, Infinity, undefined, null, booleans, functions, symbols, class instances', () => {
    expectCode(() => encode(1.5), 'BENCODE_NOT_INTEGER');
    expectCode(() => encode(Number.NaN), 'BENCODE_NOT_INTEGER');
    expectCode(() => encode(Number.POSITIVE_INFINITY), 'BENCODE_NOT_INTEGER');
    expectCode(() => encode(undefined), 'BENCODE_UNDEFINED_VALUE');
    expectCode(() => encode({ a: undefined }), 'BENCODE_UNDEFINED_VALUE');
    expectCode(() => encode([1, undefined]), 'BENCODE_UNDEFINED_VALUE');
    expectCode(() => encode(null), 'BENCODE_UNSUPPORTED_TYPE');
    expectCode(() => encode(true), 'BENCODE_UNSUPPORTED_TYPE');
    expectCode(() => encode(() => 1), 'BENCODE_UNSUPPORTED_TYPE');
    expectCode(() => encode(Symbol('x')), 'BENCODE_UNSUPPORTED_TYPE');
    expectCode(() => encode(new Date()), 'BENCODE_UNSUPPORTED_TYPE');
    expect(bencodeMessage(() => encode({ a: { b: 0.5 } }))).toMatch(/0\.5/);
  });
  it('rejects cycles with a clear error instead of overflowing the stack', () => {
    const a: unknown[] = [];
    a.push(a);
    expectCode(() => encode(a), 'BENCODE_UNSUPPORTED_TYPE');
    expectCode(() => encodingLength(a), 'BENCODE_UNSUPPORTED_TYPE');
  });
  it('small results from the shared pool never overlap, and survive the pool being transferred away', () => {
    const kept = Array.from({ length: 2000 }, (_, i) => [i, encode({ i, s: 'x'.repeat(i % 300) })] as const);
    for (const [i, bytes] of kept) expect(decode(bytes)).toEqual({ i, s: latin1('x'.repeat(i % 300)) });
    const one = encode('abc');
    structuredClone(one.buffer, { transfer: [one.buffer] }); // detaches the current pool
    expect(one.length).toBe(0);
    expect(text(encode('fresh'))).toBe('5:fresh');
  });
  it('is reentrant and returns a fresh buffer each time', () => {
    const x = encode('abc');
    const y = encode('xyz');
    expect(text(x)).toBe('3:abc');
    expect(text(y)).toBe('3:xyz');
    const big = new Uint8Array(10_000_000);
    expect(encode(big).length).toBe(10_000_009);
  });
});

describe('encodingLength and encodeInto', () => {
  const values: unknown[] = [0, -7, 2n ** 70n, 1e20, 'héllo', latin1('\xff\x00'), [1, ['a']], { b: 1, a: { c: 'd' } },
    new Map([['k', 1]]), { '\udcff': 1, é: 2 },
    // long and short strings that turn out not to be ASCII after an ASCII run (the optimistic path rolls back)
    `${'a'.repeat(100)}é`, `é${'a'.repeat(100)}`, `${'x'.repeat(70)}\udc80`, `${'b'.repeat(10)}😀`, 'a'.repeat(1000)];
  it('encodingLength is exact', () => {
    for (const v of values) expect(encodingLength(v)).toBe(encode(v).length);
  });
  it('strings that start ASCII and turn out not to be encode as UTF-8', () => {
    const s = `${'a'.repeat(100)}é`;
    expect(Array.from(encode(s))).toEqual([...latin1('102:'), ...latin1('a'.repeat(100)), 0xc3, 0xa9]);
    expect(decode(encode({ k: `${'z'.repeat(80)}\udcff` })) as object).toEqual({ k: Uint8Array.from([...latin1('z'.repeat(80)), 0xff]) });
  });
  it('encodeInto writes at an offset and returns the byte count', () => {
    for (const v of values) {
      const target = new Uint8Array(encodingLength(v) + 3);
      const n = encodeInto(v, target, 3);
      expect(n).toBe(target.length - 3);
      expect(target.subarray(3)).toEqual(encode(v));
    }
  });
  it('encodeInto fails cleanly when the target is too small', () => {
    expectCode(() => encodeInto({ a: 'long string value' }, new Uint8Array(5)), 'BENCODE_BUFFER_TOO_SMALL');
  });
});

describe('keys that are not UTF-8', () => {
  it('survive decode -> encode byte-exactly', () => {
    const input = latin1('d3:a\x80bi2e2:\xc3\xa9i3e2:\xff\xfei1ee');
    const v = decode(input) as Record<string, unknown>;
    expect(Object.keys(v)).toContain('é');
    expect(encode(v)).toEqual(input);
  });
  it('raw bytes and valid UTF-8 with the same JS look never collide', () => {
    // \xe9 alone (invalid UTF-8) vs \xc3\xa9 ("é")
    const input = latin1('d2:\xc3\xa9i2e1:\xe9i1ee');
    const v = decode(input) as Record<string, unknown>;
    expect(Object.keys(v)).toHaveLength(2);
    expect(encode(v)).toEqual(input);
  });
  it('overlong, surrogate and truncated sequences are escaped per byte', () => {
    for (const raw of ['\xc0\xaf', '\xed\xa0\x80', '\xf4\x90\x80\x80', '\xe2\x82', '\xf0\x9f\x98']) {
      const input = latin1(`d${raw.length}:${raw}i1ee`);
      expect(encode(decode(input))).toEqual(input);
    }
  });
});

function bencodeMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}
