import { describe, expect, it } from 'vitest';
import { decode, decodePrefix } from './decode.ts';
import { expectCode, latin1 } from './test-helpers.ts';

/** An ArrayBuffer whose contents were transferred away (postMessage, structuredClone). */
function detached(bytes = 4): ArrayBuffer {
  const ab = new ArrayBuffer(bytes);
  structuredClone(ab, { transfer: [ab] });
  return ab;
}

describe('decode: detached buffers', () => {
  it('a detached ArrayBuffer, or any view over one, is BENCODE_INVALID_INPUT', () => {
    const ab = new ArrayBuffer(8);
    const views = [new DataView(ab), new Uint16Array(ab), new Uint8Array(ab), new Uint8Array(ab, 2, 3)];
    structuredClone(ab, { transfer: [ab] });
    for (const input of [detached(), ...views]) {
      expectCode(() => decode(input), 'BENCODE_INVALID_INPUT');
      expectCode(() => decodePrefix(input), 'BENCODE_INVALID_INPUT');
    }
  });
  it('an empty, attached input is still BENCODE_UNEXPECTED_END', () => {
    expectCode(() => decode(new Uint8Array(0)), 'BENCODE_UNEXPECTED_END', 0);
    expectCode(() => decode(new ArrayBuffer(0)), 'BENCODE_UNEXPECTED_END', 0);
  });
});

describe('decode: options', () => {
  it('null options mean the defaults', () => {
    expect(decode(latin1('i42e'), null as never)).toBe(42);
    expect(decodePrefix(latin1('i42ex'), null as never)).toEqual({ value: 42, length: 4 });
    expectCode(() => decode(latin1('l'.repeat(257) + 'e'.repeat(257)), null as never), 'BENCODE_DEPTH_EXCEEDED');
  });
  it('null or undefined limits mean the defaults', () => {
    const opts = { maxDepth: undefined, maxIntegerDigits: null, maxItems: null } as never;
    expectCode(() => decode(latin1(`i${'9'.repeat(1025)}e`), opts), 'BENCODE_INTEGER_TOO_LONG', 0);
  });
  it('a limit that is not a non-negative integer (or Infinity) is refused, never ignored', () => {
    const bad = [NaN, -1, -Infinity, 1.5, '5', true, {}, 10n];
    for (const name of ['maxDepth', 'maxIntegerDigits', 'maxItems']) {
      for (const value of bad) {
        const err = expectCode(() => decode(latin1('i1e'), { [name]: value } as never), 'BENCODE_INVALID_OPTIONS');
        expect(err.message).toContain(name);
        expect(err.offset).toBe(-1);
        expectCode(() => decodePrefix(latin1('i1e'), { [name]: value } as never), 'BENCODE_INVALID_OPTIONS');
      }
    }
  });
  it('maxIntegerDigits: NaN no longer lets a 5,000-digit integer through', () => {
    expectCode(() => decode(latin1(`i${'9'.repeat(5000)}e`), { maxIntegerDigits: NaN }), 'BENCODE_INVALID_OPTIONS');
  });
  it('valid limits keep working, Infinity included', () => {
    expect(decode(latin1(`i${'9'.repeat(2000)}e`), { maxIntegerDigits: Infinity })).toBe(10n ** 2000n - 1n);
    expect(decode(latin1('lllleeee'), { maxDepth: Infinity })).toEqual([[[[]]]]);
    expect(decode(latin1('li1ei2ee'), { maxItems: Infinity })).toEqual([1, 2]);
    expectCode(() => decode(latin1('le'), { maxDepth: 0 }), 'BENCODE_DEPTH_EXCEEDED');
    expect(decode(latin1('i1e'), { maxDepth: 0 })).toBe(1);
    expectCode(() => decode(latin1('i1e'), { maxIntegerDigits: 0 }), 'BENCODE_INTEGER_TOO_LONG');
    expectCode(() => decode(latin1('li1ee'), { maxItems: 0 }), 'BENCODE_TOO_MANY_ITEMS');
    // the shared decoder is left usable after a refusal
    expect(decode(latin1('i7e'))).toBe(7);
  });
});
