import { describe, expect, it } from 'vitest';
import { WireError } from './errors.ts';
import { decodeHandshake, encodeHandshake, handshakeInfoHash } from './handshake.ts';
import { decodeReserved, encodeReserved } from './reserved.ts';
import { pattern } from './test-helpers.ts';

describe('handshake', () => {
  const infoHash = pattern(20, 1);
  const peerId = pattern(20, 100);

  it('encodes the 68-byte layout and decodes it back', () => {
    const hs = encodeHandshake({ infoHash, peerId, reserved: { extended: true, fast: true, dht: true } });
    expect(hs.length).toBe(68);
    expect(hs[0]).toBe(19);
    expect(new TextDecoder().decode(hs.subarray(1, 20))).toBe('BitTorrent protocol');
    expect(Array.from(hs.subarray(20, 28))).toEqual([0, 0, 0, 0, 0, 0x10, 0, 0x05]);
    const d = decodeHandshake(hs);
    expect(d.infoHash).toEqual(infoHash);
    expect(d.peerId).toEqual(peerId);
    expect(decodeReserved(d.reserved)).toEqual({ extended: true, fast: true, dht: true, v2: false });
  });

  it('reserved bits sit where BEP 10, BEP 6, BEP 5 and BEP 52 put them', () => {
    expect(Array.from(encodeReserved({ extended: true }))).toEqual([0, 0, 0, 0, 0, 0x10, 0, 0]);
    expect(Array.from(encodeReserved({ fast: true }))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x04]);
    expect(Array.from(encodeReserved({ dht: true }))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x01]);
    expect(Array.from(encodeReserved({ v2: true }))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x10]);
    // Unknown bits are ignored.
    expect(decodeReserved(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xef, 0xff, 0xea))).toEqual({ extended: false, fast: false, dht: false, v2: false });
  });

  it('truncates a 32-byte v2 info hash to 20 bytes', () => {
    const v2 = pattern(32, 7);
    expect(handshakeInfoHash(v2)).toEqual(v2.subarray(0, 20));
    const hs = encodeHandshake({ infoHash: v2, peerId });
    expect(decodeHandshake(hs).infoHash).toEqual(v2.subarray(0, 20));
    expect(() => handshakeInfoHash(new Uint8Array(21))).toThrow(WireError);
  });

  it('rejects a foreign protocol at its first wrong byte', () => {
    const hs = encodeHandshake({ infoHash, peerId });
    hs[5] = 0x58;
    try {
      decodeHandshake(hs);
      expect.unreachable();
    } catch (e) {
      expect((e as WireError).code).toBe('WIRE_BAD_PROTOCOL');
      expect((e as WireError).offset).toBe(5);
    }
    expect(() => decodeHandshake(Uint8Array.of(0x47, 0x45, 0x54))).toThrow(/not a BitTorrent handshake/);
  });

  it('rejects a bad peer id size', () => {
    expect(() => encodeHandshake({ infoHash, peerId: new Uint8Array(19) })).toThrow(WireError);
  });
});
