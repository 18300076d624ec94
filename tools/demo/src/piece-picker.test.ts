import { describe, expect, it } from 'vitest';
import { pickRarest } from './piece-picker.ts';

const set = (...xs: number[]) => ({ has: (i: number) => xs.includes(i) });

describe('pickRarest', () => {
  it('picks the piece the fewest peers hold among those the peer has and we want', () => {
    const availability = [3, 1, 2, 1, 5];
    const wanted = (i: number) => i !== 3;
    expect(pickRarest(5, set(0, 1, 2, 3, 4), wanted, (i) => availability[i]!)).toBe(1);
    expect(pickRarest(5, set(0, 2, 3, 4), wanted, (i) => availability[i]!)).toBe(2);
  });

  it('returns -1 when the peer has nothing we want', () => {
    expect(pickRarest(4, set(0, 1), (i) => i >= 2, () => 1)).toBe(-1);
    expect(pickRarest(0, set(), () => true, () => 1)).toBe(-1);
  });

  it('spreads equally rare pieces instead of always taking the first', () => {
    const seen = new Set<number>();
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let n = 0; n < 200; n++) seen.add(pickRarest(8, set(0, 1, 2, 3, 4, 5, 6, 7), () => true, () => 1, random));
    expect(seen.size).toBe(8);
  });
});
