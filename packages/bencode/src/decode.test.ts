import { describe, expect, it } from 'vitest';
import { decode, decodePrefix } from './decode.ts';
import { spanOf } from './spans.ts';
import { expectCode, latin1, text } from './test-helpers.ts';

const d = (s: string, opts?: Parameters<typeof decode>[1]) => decode(latin1(s), opts);

describe('decode: valid input', () => {
  it('integers, including zero and negatives', () => {
    expect(d('i0e')).toBe(0);
    expect(d('i12453e')).toBe(12453);
    expect(d('i-42e')).toBe(-42);
    expect(d('i9007199254740991e')).toBe(Number.MAX_SAFE_INTEGER);
    expect(d('i-9007199254740991e')).toBe(-Number.MAX_SAFE_INTEGER);
  });

  it('returns bigint beyond the safe range, never a rounded number (node-bencode #143)', () => {
    expect(d('i9007199254740992e')).toBe(9007199254740992n);
    expect(d('i9223372036854775807e')).toBe(9223372036854775807n);
    expect(d('i-9223372036854775808e')).toBe(-9223372036854775808n);
    expect(d('i123456789012345678901234567890e')).toBe(123456789012345678901234567890n);
    // 16 digits but still safe: number
    expect(d('i1000000000000000e')).toBe(1e15);
  });

  it('integers of 1 to 22 digits, far from and near the end of the input, in dicts and lists', () => {
    // The reader takes several digits at a time when the input has room for 16 digits and more.
    const pad = 'x'.repeat(40);
    for (let digits = 1; digits <= 22; digits++) {
      for (const lead of '123456789') {
        const text = lead + '0123456789012345678901'.slice(0, digits - 1);
        const want = BigInt(text) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(text) : BigInt(text);
        expect(d(`i${text}e`)).toBe(want);
        expect(d(`li${text}ee`)).toEqual([want]);
        expect(d(`d1:ai${text}e1:b${pad.length}:${pad}e`)).toEqual({ a: want, b: latin1(pad) });
        expect(d(`li${text}e${pad.length}:${pad}e`)).toEqual([want, latin1(pad)]);
        expect(d(`i-${text}e`)).toBe(-want);
        expectCode(() => d(`li${text}x${pad.length}:${pad}e`), 'BENCODE_UNEXPECTED_BYTE');
        expectCode(() => d(`i${text}`), 'BENCODE_UNEXPECTED_END');
      }
    }
    expect(d(`li${'9'.repeat(15)}e${pad.length}:${pad}e`)).toEqual([999_999_999_999_999, latin1(pad)]);
    expect(d(`li${'9'.repeat(16)}e${pad.length}:${pad}e`)).toEqual([9_999_999_999_999_999n, latin1(pad)]);
    expect(d(`li1${'0'.repeat(17)}e${pad.length}:${pad}e`)).toEqual([10n ** 17n, latin1(pad)]);
    expectCode(() => d(`li012e${pad.length}:${pad}e`), 'BENCODE_LEADING_ZERO');
    expectCode(() => d(`li1234e${pad.length}:${pad}e`, { maxIntegerDigits: 3 }), 'BENCODE_INTEGER_TOO_LONG');
  });

  it('string lengths of one, two and more digits, at the end of the input or not', () => {
    for (const len of [0, 1, 9, 10, 42, 99, 100, 1234]) {
      const body = 'z'.repeat(len);
      expect(d(`${len}:${body}`)).toEqual(latin1(body));
      expect(d(`l${len}:${body}i7ee`)).toEqual([latin1(body), 7]);
      expectCode(() => d(`${len + 1}:${body}`), 'BENCODE_STRING_TOO_LONG');
    }
    expectCode(() => d('l01:ai7ee'), 'BENCODE_LEADING_ZERO');
    expectCode(() => d('l00:i7ee'), 'BENCODE_LEADING_ZERO');
    expectCode(() => d('l1'), 'BENCODE_UNEXPECTED_END');
    expectCode(() => d('l12'), 'BENCODE_UNEXPECTED_END');
    expectCode(() => d('l1x'), 'BENCODE_UNEXPECTED_BYTE');
  });

  it('byte strings are Uint8Array views into the input', () => {
    const input = latin1('26:abcdefghijklmnopqrstuvwxyz');
    const v = decode(input) as Uint8Array;
    expect(text(v)).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(v.buffer).toBe(input.buffer);
    expect(v.byteOffset).toBe(3);
    expect(d('0:')).toEqual(new Uint8Array(0));
  });

  it('copies byte strings on request', () => {
    const input = latin1('3:abc');
    const v = decode(input, { copy: true }) as Uint8Array;
    expect(v.buffer).not.toBe(input.buffer);
    expect(text(v)).toBe('abc');
  });

  it('lists and dicts, nested', () => {
    expect(d('le')).toEqual([]);
    expect(d('de')).toEqual({});
    const l = d('li12453e3:aaae') as unknown[];
    expect(l[0]).toBe(12453);
    expect(text(l[1] as Uint8Array)).toBe('aaa');
    const v = d('d1:ai12453e1:b3:aaa1:cl1:xi-1ee1:dd1:zdeee') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['a', 'b', 'c', 'd']);
    expect(v.a).toBe(12453);
    expect(text(v.b as Uint8Array)).toBe('aaa');
    expect((v.c as unknown[])[1]).toBe(-1);
  });

  it('keeps a __proto__ key as an own property, never as the prototype', () => {
    const v = d('d9:__proto__i1ee') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });

  it('keeps __proto__ an own property in any position, two-entry dicts included', () => {
    for (const text of ['d9:__proto__i1e1:ai2ee', 'd9:__proto__i1e1:ai2e1:bi3ee', 'd6:lengthi1e9:__proto__i2ee', 'd0:i1e9:__proto__i2ee']) {
      const v = decode(latin1(text), { strict: false }) as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.hasOwn(v, '__proto__')).toBe(true);
    }
  });

  it('makes every list and dict a plain Array and a plain object, whatever its shape', () => {
    const texts = ['le', 'l1:ae', 'l1:a1:be', 'l1:a1:b1:ce', 'l1:a1:b1:c1:de', 'de', 'd6:lengthi5e4:pathl1:aee', 'd6:lengthi0e11:pieces root1:xe', 'd0:i1ee', 'd1:ai1ee'];
    for (const text of texts) {
      const v = decode(latin1(text)) as object;
      const copy = structuredClone(v);
      expect(Object.getPrototypeOf(v)).toBe(text.startsWith('l') ? Array.prototype : Object.prototype);
      expect(v.constructor).toBe(text.startsWith('l') ? Array : Object);
      expect(Object.keys(v)).toEqual(Object.keys(copy));
      expect(JSON.stringify(v)).toBe(JSON.stringify(copy));
      expect(Object.getOwnPropertyNames(v)).toEqual(Object.getOwnPropertyNames(copy));
      for (const key of Object.keys(v)) {
        expect(Object.getOwnPropertyDescriptor(v, key)).toMatchObject({ writable: true, enumerable: true, configurable: true });
      }
    }
  });

  it('builds file entries and BEP 52 tree nodes like any other dict: same keys, order, values and spans', () => {
    const v = decode(latin1('d6:lengthi5e4:pathl1:aee'), { spans: true }) as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['length', 'path']);
    expect(v.length).toBe(5);
    expect(spanOf(v)).toEqual({ start: 0, end: 24 });
    const node = decode(latin1('d0:d6:lengthi0e11:pieces root1:xee')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(node)).toEqual(['']);
    expect(Object.keys(node['']!)).toEqual(['length', 'pieces root']);
    expectCode(() => decode(latin1('d6:lengthi1e6:lengthi2ee')), 'BENCODE_DUPLICATE_KEY', 12);
    expectCode(() => decode(latin1('d4:pathle6:lengthi1ee')), 'BENCODE_UNSORTED_KEYS', 9);
  });

  it('accepts other input shapes: ArrayBuffer, DataView, string', () => {
    expect(decode(latin1('i5e').buffer)).toBe(5);
    expect(decode(new DataView(latin1('xi7e').buffer, 1))).toBe(7);
    expect(decode('i9e')).toBe(9);
  });
});

describe('decode: strict rejections (BEP 3), each with a code and offset', () => {
  it('leading zeros', () => {
    expectCode(() => d('i03e'), 'BENCODE_LEADING_ZERO', 1);
    expectCode(() => d('i-03e'), 'BENCODE_LEADING_ZERO', 2);
    expectCode(() => d('02:ab'), 'BENCODE_LEADING_ZERO', 0);
    expectCode(() => d('l00:e'), 'BENCODE_LEADING_ZERO', 1);
  });
  it('negative zero and empty integers', () => {
    expectCode(() => d('i-0e'), 'BENCODE_NEGATIVE_ZERO', 0);
    expectCode(() => d('ie'), 'BENCODE_EMPTY_INTEGER', 0);
    expectCode(() => d('i-e'), 'BENCODE_EMPTY_INTEGER', 0);
  });
  it('bad bytes inside integers', () => {
    expectCode(() => d('i--1e'), 'BENCODE_UNEXPECTED_BYTE', 2);
    expectCode(() => d('i 1e'), 'BENCODE_UNEXPECTED_BYTE', 1);
    expectCode(() => d('i1.5e'), 'BENCODE_UNEXPECTED_BYTE', 2);
    expectCode(() => d('i+1e'), 'BENCODE_UNEXPECTED_BYTE', 1);
  });
  it('unsorted and duplicate dict keys', () => {
    expectCode(() => d('d1:bi1e1:ai2ee'), 'BENCODE_UNSORTED_KEYS', 7);
    expectCode(() => d('d1:ai1e1:ai2ee'), 'BENCODE_DUPLICATE_KEY', 7);
    // byte order, not string order: "X" (0x58) sorts before "a" (0x61)
    expectCode(() => d('d1:ai12453e1:b3:aaa1:c3:bbb1:X10:0123456789e'), 'BENCODE_UNSORTED_KEYS', 27);
  });
  it('non-string keys', () => {
    expectCode(() => d('di1ei2ee'), 'BENCODE_KEY_NOT_STRING', 1);
    expectCode(() => d('dlei2ee'), 'BENCODE_KEY_NOT_STRING', 1);
  });
  it('trailing bytes', () => {
    expectCode(() => d('i1ei2e'), 'BENCODE_TRAILING_BYTES', 3);
    expectCode(() => d('2:abc'), 'BENCODE_TRAILING_BYTES', 4);
  });
  it('truncated input', () => {
    for (const s of ['', 'i', 'i12', 'i-', 'l', 'li1e', 'd', 'd1:a', 'd1:ai1e', '3:ab', '3', '12', 'd1:a1'])
      expectCode(() => d(s), s === '3:ab' ? 'BENCODE_STRING_TOO_LONG' : 'BENCODE_UNEXPECTED_END');
  });
  it('a length prefix longer than the input fails before allocating', () => {
    expectCode(() => d('10:abc'), 'BENCODE_STRING_TOO_LONG', 0);
    expectCode(() => d('4294967296:x'), 'BENCODE_STRING_TOO_LONG', 0);
    expectCode(() => d('99999999999999999999999999:x'), 'BENCODE_STRING_TOO_LONG', 0);
  });
  it('unexpected bytes where a value starts', () => {
    expectCode(() => d('x'), 'BENCODE_UNEXPECTED_BYTE', 0);
    expectCode(() => d('-1:a'), 'BENCODE_UNEXPECTED_BYTE', 0);
    expectCode(() => d('le1'), 'BENCODE_TRAILING_BYTES', 2);
    expectCode(() => d('3-abc'), 'BENCODE_UNEXPECTED_BYTE', 1);
    expectCode(() => d('l e'), 'BENCODE_UNEXPECTED_BYTE', 1);
  });
  it('nesting deeper than the limit', () => {
    const deep = (n: number) => 'l'.repeat(n) + 'e'.repeat(n);
    expect(d(deep(256))).toBeDefined();
    expectCode(() => d(deep(257)), 'BENCODE_DEPTH_EXCEEDED', 256);
    expectCode(() => d(deep(101), { maxDepth: 100 }), 'BENCODE_DEPTH_EXCEEDED', 100);
    expectCode(() => d('d1:a'.repeat(60) + 'i1e' + 'e'.repeat(60), { maxDepth: 50 }), 'BENCODE_DEPTH_EXCEEDED');
    // an absurd limit still ends in a BencodeError, never a RangeError
    expectCode(() => d(deep(200_000), { maxDepth: 1e9 }), 'BENCODE_DEPTH_EXCEEDED');
  });
  it('integer digit limit bounds bigint parsing', () => {
    expectCode(() => d(`i${'9'.repeat(1025)}e`), 'BENCODE_INTEGER_TOO_LONG', 0);
    expect(d(`i${'9'.repeat(30)}e`, { maxIntegerDigits: 30 })).toBe(10n ** 30n - 1n);
    // the limit applies to short integers too
    expect(d('i123e', { maxIntegerDigits: 3 })).toBe(123);
    expectCode(() => d('i1234e', { maxIntegerDigits: 3 }), 'BENCODE_INTEGER_TOO_LONG', 0);
    expectCode(() => d('i12', { maxIntegerDigits: 3 }), 'BENCODE_UNEXPECTED_END', 3);
  });
  it('item limit', () => {
    expectCode(() => d('li1ei2ei3ee', { maxItems: 2 }), 'BENCODE_TOO_MANY_ITEMS', 7);
  });
  it('non-byte input is a BencodeError too', () => {
    expectCode(() => decode(42 as unknown as Uint8Array), 'BENCODE_INVALID_INPUT');
    expectCode(() => decode(null as unknown as Uint8Array), 'BENCODE_INVALID_INPUT');
  });
});

describe('decode: lenient mode', () => {
  it('accepts unsorted keys as real trackers send them, keeping input order', () => {
    const v = d('d1:bi1e1:ai2ee', { strict: false }) as Record<string, unknown>;
    expect(v).toEqual({ b: 1, a: 2 });
    expect(Object.keys(v)).toEqual(['b', 'a']);
  });
  it('still rejects duplicate keys, adjacent or not', () => {
    expectCode(() => d('d1:ai1e1:ai2ee', { strict: false }), 'BENCODE_DUPLICATE_KEY', 7);
    expectCode(() => d('d1:bi1e1:ai2e1:bi3ee', { strict: false }), 'BENCODE_DUPLICATE_KEY', 13);
  });
  it('still rejects every other malformation', () => {
    expectCode(() => d('i03e', { strict: false }), 'BENCODE_LEADING_ZERO');
    expectCode(() => d('i1ex', { strict: false }), 'BENCODE_TRAILING_BYTES');
  });
});

describe('decodePrefix', () => {
  it('decodes the first value and reports its length, leaving trailing data', () => {
    const input = latin1('d8:msg_typei1e5:piecei0ee<raw metadata bytes>');
    const { value, length } = decodePrefix(input);
    expect(value).toEqual({ msg_type: 1, piece: 0 });
    expect(length).toBe(25);
    expect(text(input.subarray(length))).toBe('<raw metadata bytes>');
  });
  it('still rejects a truncated value', () => {
    expectCode(() => decodePrefix(latin1('d8:msg_typei1e')), 'BENCODE_UNEXPECTED_END');
  });
});
