// Differential test against the npm `bencode` package (what users have today) on valid inputs.
import npmBencode from 'bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.ts';
import { encode } from './encode.ts';

// Values both implementations represent the same way: safe integers, bytes, lists, ASCII-keyed dicts.
const common = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.uint8Array({ maxLength: 48 }),
    tie('list'),
    tie('dict'),
  ),
  list: fc.array(tie('value'), { maxLength: 5 }),
  // npm bencode drops a "__proto__" key on decode (we keep it as an own property; see decode.test.ts)
  dict: fc.dictionary(fc.string({ unit: 'grapheme-ascii', maxLength: 10 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 5 }),
})).value;

const bytesOf = (b: Uint8Array) => Array.from(b);

describe('differential: npm bencode', () => {
  it('encodes the same bytes', () => {
    fc.assert(
      fc.property(common, (v) => {
        expect(bytesOf(encode(v))).toEqual(bytesOf(npmBencode.encode(v)));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes to the same structure', () => {
    const same = (ours: unknown, theirs: unknown): void => {
      if (ours instanceof Uint8Array) return expect(bytesOf(ours)).toEqual(bytesOf(theirs as Uint8Array));
      if (Array.isArray(ours)) {
        expect((theirs as unknown[]).length).toBe(ours.length);
        ours.forEach((x, i) => same(x, (theirs as unknown[])[i]));
        return;
      }
      if (ours !== null && typeof ours === 'object') {
        expect(Object.keys(theirs as object).sort()).toEqual(Object.keys(ours).sort());
        for (const k of Object.keys(ours)) same((ours as any)[k], (theirs as any)[k]);
        return;
      }
      expect(ours).toBe(theirs);
    };
    fc.assert(
      fc.property(common, (v) => {
        const bytes = npmBencode.encode(v);
        same(decode(new Uint8Array(bytes)), npmBencode.decode(bytes));
      }),
      { numRuns: 500 },
    );
  });
});
