// The decoder remembers which key followed which (keys.ts, KeyEntry.next) to skip hashing and the
// order check on repeated key sequences. These tests make sure a remembered sequence never hides an
// unsorted or duplicate key, and that evicted cache entries change nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.ts';
import { BencodeError } from './errors.ts';
import { expectCode, latin1 } from './test-helpers.ts';

const d = (s: string, opts?: Parameters<typeof decode>[1]) => decode(latin1(s), opts);
const dict = (keys: string[]) => `d${keys.map((k, i) => `${k.length}:${k}i${i}e`).join('')}e`;

describe('decode: remembered key order', () => {
  it('a learned sequence never hides an unsorted or duplicate key', () => {
    for (let i = 0; i < 50; i++) expect(d('d1:ai1e1:bi2e2:bai3ee')).toEqual({ a: 1, b: 2, ba: 3 });
    expectCode(() => d('d1:bi1e1:ai2ee'), 'BENCODE_UNSORTED_KEYS', 7);
    expectCode(() => d('d1:ai1e1:ai2ee'), 'BENCODE_DUPLICATE_KEY', 7);
    expectCode(() => d('d1:bi1e1:ai2e1:bi3ee', { strict: false }), 'BENCODE_DUPLICATE_KEY', 13);
    expectCode(() => d('d2:bai1e1:bi2ee'), 'BENCODE_UNSORTED_KEYS', 8);
    expect(d('d1:ai1e2:aai2e1:bi3ee')).toEqual({ a: 1, aa: 2, b: 3 });
    expect(d('d1:ai1e1:bi2e2:bai3ee')).toEqual({ a: 1, b: 2, ba: 3 });
  });

  it('stays exact across cache evictions (thousands of distinct keys)', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${String(i).padStart(5, '0')}`);
    const expected = Object.fromEntries(keys.map((k, i) => [k, i]));
    for (let round = 0; round < 3; round++) {
      expect(d(dict(keys))).toEqual(expected);
      expectCode(() => d(dict([...keys.slice(0, 10), 'k00003x'])), 'BENCODE_UNSORTED_KEYS');
      expectCode(() => d(dict([...keys.slice(0, 10), keys[3]!])), 'BENCODE_DUPLICATE_KEY');
      expectCode(() => d(dict([...keys.slice(0, 10), keys[9]!])), 'BENCODE_DUPLICATE_KEY');
    }
  });

  it('matches a plain model on random key sequences from a small alphabet, in both modes', () => {
    // A small alphabet makes sequences repeat, so predictions are taken often; \xff is not UTF-8.
    const alphabet = ['a', 'b', 'ab', 'ba', 'c', 'x\xff', '__proto__', ''];
    const escaped = (k: string) => k.replace('\xff', '\udcff');
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0); // latin1: code unit order is byte order
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }), { minLength: 1, maxLength: 8 }), (dicts) => {
        for (const keys of dicts) {
          const input = dict(keys);
          const offsets = keys.map((_, i) => dict(keys.slice(0, i)).length - 1);
          for (const strict of [true, false]) {
            // the decoder's rules, written plainly: a duplicate is checked first, then the order
            let expectedCode: string | undefined;
            let at = -1;
            let sorted = true;
            for (let i = 1; i < keys.length && expectedCode === undefined; i++) {
              const o = cmp(keys[i - 1]!, keys[i]!);
              if (o > 0) sorted = false;
              if (o === 0 || (!sorted && keys.indexOf(keys[i]!) < i)) expectedCode = 'BENCODE_DUPLICATE_KEY';
              else if (!sorted && strict) expectedCode = 'BENCODE_UNSORTED_KEYS';
              if (expectedCode !== undefined) at = offsets[i]!;
            }
            let got: unknown;
            try {
              got = d(input, { strict });
            } catch (err) {
              expect(err).toBeInstanceOf(BencodeError);
              expect([(err as BencodeError).code, (err as BencodeError).offset]).toEqual([expectedCode, at]);
              continue;
            }
            expect(expectedCode).toBeUndefined();
            expect(Object.keys(got as object)).toEqual(keys.map(escaped));
            keys.forEach((k, i) => expect((got as Record<string, unknown>)[escaped(k)]).toBe(i));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
