import { describe, expect, it } from 'vitest';
import { ConnectionIds, halfSipHash64 } from './connection-id.ts';

// HalfSipHash-2-4 with 64-bit output: the first published reference vectors (vectors_hsip64 of the
// SipHash reference implementation): key bytes 00..07, message i = bytes 00..i-1. Lengths 0..22 cover
// every message ConnectionIds hashes (6 + 4 bytes for IPv4, 6 + 16 for IPv6) and every tail length.
const VECTORS_HSIP64 = [
  '218d1f59b9b83cc8', 'be552412f8387315', '064f39ef7c50eb57', 'ce0f1a45f7060679', 'd5e78a175be52ea1',
  'cb9d7c3f2f3db580', 'ce3e91358aa2bc25', 'ff202728b07bc684', 'edfee820bce4858c', '5b51cccc13888307',
  '95b0469f06a6f2ee', 'ae26333994ddcd48', '7bc71f9faef5c799', '5a2352d75a0c3744', '3bb1a870eae8e658',
  '217d0bcb4e81c902', '7336aad25f7bf3b5', '37adc0641c4c4f6a', 'c9b2db2b9a3e42f9', 'f910e48020ab363c',
  '1bf52b0a6feea7db', '00741dc269e8b3ef', 'e20103fa1ba776ef',
];

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('halfSipHash64', () => {
  it('matches the reference HalfSipHash-2-4-64 vectors', () => {
    // The reference reads the key as two little-endian words.
    const k0 = 0x03020100, k1 = 0x07060504;
    const msg = Uint8Array.from({ length: 64 }, (_, i) => i);
    const out = new Uint8Array(8);
    VECTORS_HSIP64.forEach((want, len) => {
      halfSipHash64(k0, k1, msg.subarray(0, len), out);
      expect(hex(out), `length ${len}`).toBe(want);
    });
  });
});

describe('ConnectionIds', () => {
  const ip4 = new Uint8Array([127, 0, 0, 1]);
  const ip6 = new Uint8Array(16).fill(7);
  it('verifies its own IDs for one to two minutes, bound to address and port', () => {
    const ids = new ConnectionIds(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const t = 120_000_000;
    const id = ids.issue(ip4, 6881, t);
    expect(ids.verify(id, ip4, 6881, t + 59_999)).toBe(true);
    expect(ids.verify(id, ip4, 6881, t + 60_000)).toBe(true);
    expect(ids.verify(id, ip4, 6881, t + 120_000)).toBe(false);
    expect(ids.verify(id, ip4, 6882, t)).toBe(false);
    expect(ids.verify(id, new Uint8Array([127, 0, 0, 2]), 6881, t)).toBe(false);
    const id6 = ids.issue(ip6, 1, t);
    expect(ids.verify(id6, ip6, 1, t)).toBe(true);
    expect(ids.verify(id6.subarray(0, 7), ip6, 1, t)).toBe(false);
    expect(new ConnectionIds(new Uint8Array([9, 2, 3, 4, 5, 6, 7, 8])).verify(id, ip4, 6881, t)).toBe(false);
  });
});
