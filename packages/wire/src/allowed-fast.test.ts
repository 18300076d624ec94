import { describe, expect, it } from 'vitest';
import { allowedFastSet } from './allowed-fast.ts';
import { WireError } from './errors.ts';
import { PeerSession } from './session.ts';

describe('BEP 6 allowed-fast set', () => {
  const infoHash = new Uint8Array(20).fill(0xaa);

  it('matches the published vector (k = 7 and k = 9)', () => {
    expect(allowedFastSet('80.4.4.200', infoHash, 1313, 7)).toEqual([1059, 431, 808, 1217, 287, 376, 1188]);
    expect(allowedFastSet('80.4.4.200', infoHash, 1313, 9)).toEqual([1059, 431, 808, 1217, 287, 376, 1188, 353, 508]);
  });

  it('is the same for every address in one /24', () => {
    expect(allowedFastSet(Uint8Array.of(80, 4, 4, 1), infoHash, 1313, 9)).toEqual(allowedFastSet('80.4.4.200', infoHash, 1313, 9));
  });

  it('returns every piece when there are no more than k', () => {
    expect(allowedFastSet('1.2.3.4', infoHash, 5, 10)).toEqual([0, 1, 2, 3, 4]);
  });

  it('supports IPv6 and rejects bad input', () => {
    const set = allowedFastSet(new Uint8Array(16).fill(0x20), infoHash, 1000, 10);
    expect(new Set(set).size).toBe(10);
    expect(() => allowedFastSet('80.4.4', infoHash, 1313)).toThrow(WireError);
    expect(() => allowedFastSet('80.4.4.256', infoHash, 1313)).toThrow(WireError);
    expect(() => allowedFastSet('80.4.4.1', new Uint8Array(19), 1313)).toThrow(WireError);
  });

  // A k of NaN or below 0 used to return an empty set: a session granted nothing, without an error.
  it('refuses a k that is not a non-negative integer, in allowedFastSet and in the session option', () => {
    for (const k of [Number.NaN, -1, 2.5, Infinity]) {
      expect(() => allowedFastSet('80.4.4.200', infoHash, 1313, k)).toThrowError(expect.objectContaining({ code: 'WIRE_INVALID_ARGUMENT' }));
      expect(
        () => new PeerSession({ infoHash, peerId: new Uint8Array(20), onSend: () => {}, onEvent: () => {}, allowedFast: { ip: '80.4.4.200', count: k } }),
      ).toThrowError(expect.objectContaining({ code: 'WIRE_INVALID_ARGUMENT' }));
    }
    expect(allowedFastSet('80.4.4.200', infoHash, 1313, 0)).toEqual([]);
  });
});
