// Property-based tests: round trips for arbitrary values, and total decoding: any bytes at all yield
// a value or a BencodeError, quickly and without large allocations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, decodePrefix } from './decode.ts';
import { encode, encodingLength } from './encode.ts';
import { BencodeError } from './errors.ts';

const bvalue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
    fc.uint8Array({ maxLength: 64 }),
    tie('list'),
    tie('dict'),
  ),
  list: fc.array(tie('value'), { maxLength: 5 }),
  dict: fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), tie('value'), { maxKeys: 5 }),
})).value;

// Decoded form: safe bigints come back as numbers.
function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Uint8Array) return v;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

function expectTotal(bytes: Uint8Array, opts?: Parameters<typeof decode>[1]): void {
  for (const fn of [() => decode(bytes, opts), () => decodePrefix(bytes, opts)]) {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof BencodeError)) throw err;
      expect(err.offset).toBeGreaterThanOrEqual(0);
      expect(err.offset).toBeLessThanOrEqual(bytes.length);
    }
  }
}

describe('properties', () => {
  it('decode(encode(v)) equals v, and encode is a fixed point', () => {
    fc.assert(
      fc.property(bvalue, (v) => {
        const bytes = encode(v);
        expect(encodingLength(v)).toBe(bytes.length);
        const back = decode(bytes);
        expect(back).toEqual(normalize(v));
        expect(encode(back)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes only ever yield a value or a BencodeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (b) => expectTotal(b)), { numRuns: 3000 });
  });

  it('random bencode-alphabet bytes only ever yield a value or a BencodeError, in both modes', () => {
    const alphabet = fc.constantFrom(...'0123456789ilde:-ax'.split('').map((c) => c.charCodeAt(0)));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), fc.boolean(), (a, strict) => expectTotal(Uint8Array.from(a), { strict })),
      { numRuns: 3000 },
    );
  });

  it('mutated valid encodings only ever yield a value or a BencodeError', () => {
    fc.assert(
      fc.property(bvalue, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 4 }), (v, edits) => {
        const bytes = Array.from(encode(v));
        for (const [at, byte, op] of edits) {
          const i = bytes.length === 0 ? 0 : at % bytes.length;
          if (op === 'set') bytes[i] = byte;
          else if (op === 'insert') bytes.splice(i, 0, byte);
          else bytes.splice(i, 1);
        }
        expectTotal(Uint8Array.from(bytes));
        expectTotal(Uint8Array.from(bytes), { strict: false });
      }),
      { numRuns: 2000 },
    );
  });

  it('truncations of valid encodings are always errors, never partial values', () => {
    fc.assert(
      fc.property(bvalue, fc.nat(), (v, cut) => {
        const bytes = encode(v);
        const n = cut % bytes.length;
        expect(() => decode(bytes.subarray(0, n))).toThrow(BencodeError);
      }),
      { numRuns: 500 },
    );
  });

  it('huge declared lengths fail at once without allocating', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n, max: 10n ** 30n }), (len) => {
        const bytes = new TextEncoder().encode(`l${len}:abce`);
        expect(() => decode(bytes)).toThrow(BencodeError);
      }),
      { numRuns: 300 },
    );
  });
});
