import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { WireError } from './errors.ts';

describe('Bitfield', () => {
  it('sets, clears and counts pieces in wire order (high bit first)', () => {
    const bf = new Bitfield(10);
    expect(bf.bytes.length).toBe(2);
    expect(bf.set(0)).toBe(true);
    expect(bf.set(9)).toBe(true);
    expect(bf.set(9)).toBe(false);
    expect(Array.from(bf.bytes)).toEqual([0x80, 0x40]);
    expect(bf.count).toBe(2);
    expect(bf.has(9) && !bf.has(8) && !bf.has(10) && !bf.has(-1)).toBe(true);
    expect(bf.clear(0)).toBe(true);
    expect(bf.clear(0)).toBe(false);
    expect(bf.count).toBe(1);
    expect(() => bf.set(10)).toThrow(WireError);
  });

  it('builds full sets without spare bits and validates wire bytes', () => {
    const full = Bitfield.full(10);
    expect(Array.from(full.bytes)).toEqual([0xff, 0xc0]);
    expect(full.complete).toBe(true);
    expect(new Bitfield(10, Uint8Array.of(0xff, 0xc0)).count).toBe(10);
    expect(() => new Bitfield(10, Uint8Array.of(0xff, 0xe0))).toThrow(/spare bits/);
    expect(() => new Bitfield(10, Uint8Array.of(0xff))).toThrow(WireError);
    expect(Bitfield.full(16).count).toBe(16);
    expect(new Bitfield(0).complete).toBe(true);
  });
});

describe('Bitfield: indices that are not pieces', () => {
  it('has and clear of a fraction, a negative, a non-number or an index past the end are false and change nothing', () => {
    const bf = Bitfield.full(10);
    for (const i of [1.5, 0.1, 9.9, -1, -0.5, 10, 2 ** 32 + 1, Number.NaN, Infinity, '1' as never]) {
      expect(bf.has(i)).toBe(false);
      expect(bf.clear(i)).toBe(false);
    }
    expect(bf.count).toBe(10);
    expect(Array.from(bf.bytes)).toEqual([0xff, 0xc0]);
    for (let i = 0; i < 10; i++) expect(bf.has(i)).toBe(true);
    expect(() => bf.set(2.5)).toThrow(WireError);
  });
});
