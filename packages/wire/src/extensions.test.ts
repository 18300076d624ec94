import { encode } from '@torrentkit/bencode';
import { sha1 } from '@noble/hashes/legacy.js';
import { describe, expect, it } from 'vitest';
import { decodeCompactPeers, encodeCompactPeers, formatIp, parseIp } from './compact.ts';
import { WireError } from './errors.ts';
import { decodeExtendedHandshake, encodeExtendedHandshake } from './extension-handshake.ts';
import { ExtensionRegistry } from './extensions.ts';
import { decodeMetadataMessage, encodeMetadataMessage, MetadataAssembler } from './ut-metadata.ts';
import { decodePex, encodePex, PexFlags } from './ut-pex.ts';
import { concat, equalBytes, pattern } from './test-helpers.ts';

const te = new TextEncoder();
function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof WireError) return e.code;
    throw e;
  }
  return undefined;
}

describe('BEP 10 extension handshake', () => {
  it('round-trips every modelled field', () => {
    const payload = encodeExtendedHandshake({
      m: { ut_metadata: 3, ut_pex: 1 }, v: 'torrentkit 0.1', p: 6881, reqq: 500,
      yourip: Uint8Array.of(127, 0, 0, 1), metadata_size: 31337, upload_only: true,
    });
    const h = decodeExtendedHandshake(payload);
    expect(h.m).toEqual({ ut_metadata: 3, ut_pex: 1 });
    expect(h.v).toBe('torrentkit 0.1');
    expect(h.p).toBe(6881);
    expect(h.reqq).toBe(500);
    expect(h.yourip).toEqual(Uint8Array.of(127, 0, 0, 1));
    expect(h.metadata_size).toBe(31337);
    expect(h.upload_only).toBe(true);
  });

  it('drops wrongly typed fields instead of failing, and accepts unsorted keys', () => {
    const h = decodeExtendedHandshake(te.encode('d4:reqq3:abc1:md1:xi300e1:yi-1e1:zi2e1:w3:abce1:pi70000ee'));
    expect(h.m).toEqual({ z: 2 });
    expect(h.reqq).toBeUndefined();
    expect(h.p).toBeUndefined();
  });

  it('rejects payloads that are not a dict', () => {
    expect(code(() => decodeExtendedHandshake(te.encode('li1ee')))).toBe('WIRE_BAD_EXTENSION');
    expect(code(() => decodeExtendedHandshake(te.encode('d1:m')))).toBe('WIRE_BAD_EXTENSION');
    expect(code(() => decodeExtendedHandshake(new Uint8Array()))).toBe('WIRE_BAD_EXTENSION');
  });
});

describe('ExtensionRegistry', () => {
  it('assigns local ids and maps remote ones', () => {
    const r = new ExtensionRegistry(['ut_metadata', 'ut_pex']);
    expect(r.m).toEqual({ ut_metadata: 1, ut_pex: 2 });
    expect(r.register('lt_donthave', 7)).toBe(7);
    expect(r.register('ut_metadata')).toBe(1);
    expect(r.nameOf(7)).toBe('lt_donthave');
    expect(code(() => r.register('other', 7))).toBe('WIRE_INVALID_ARGUMENT');
    r.setRemote({ ut_metadata: 9, ut_pex: 0 });
    expect(r.remoteId('ut_metadata')).toBe(9);
    expect(r.supports('ut_pex')).toBe(false);
    r.setRemote({ ut_metadata: 0 });
    expect(r.supports('ut_metadata')).toBe(false);
  });
});

describe('ExtensionRegistry bounds', () => {
  it('keeps at most 256 names of the peer it did not register, however many handshakes bring new ones', () => {
    const r = new ExtensionRegistry(['ut_metadata', 'ut_pex']);
    for (let k = 0; k < 20; k++) {
      const m: Record<string, number> = {};
      for (let i = 0; i < 1000; i++) m[`junk${k}_${i}`] = 1 + (i % 200);
      r.setRemote(m);
    }
    let kept = 0;
    for (let k = 0; k < 20; k++) for (let i = 0; i < 1000; i++) if (r.remoteId(`junk${k}_${i}`) !== undefined) kept++;
    expect(kept).toBe(256);
    // Names we registered are always taken, and known ones can still be updated or disabled.
    r.setRemote({ ut_metadata: 3, ut_pex: 4, junk0_0: 9 });
    expect([r.remoteId('ut_metadata'), r.remoteId('ut_pex'), r.remoteId('junk0_0')]).toEqual([3, 4, 9]);
    expect(r.supports('ut_metadata')).toBe(true);
    r.setRemote({ junk0_0: 0 });
    expect(r.remoteId('junk0_0')).toBeUndefined();
  });
});

describe('codec limits', () => {
  // A NaN limit (e.g. from a config value that did not parse) let every total_size or peer list through.
  it('decodeMetadataMessage, MetadataAssembler and decodePex refuse a limit that is not an integer', () => {
    const data = encodeMetadataMessage({ type: 'data', piece: 0, totalSize: 2 ** 40, data: new Uint8Array(16384) });
    const pex = encodePex({ added: [{ host: '1.2.3.4', port: 1 }] });
    for (const bad of [Number.NaN, -1, 1.5, Infinity]) {
      expect(code(() => decodeMetadataMessage(data, bad))).toBe('WIRE_INVALID_ARGUMENT');
      expect(code(() => new MetadataAssembler(100, bad))).toBe('WIRE_INVALID_ARGUMENT');
      expect(code(() => decodePex(pex, bad))).toBe('WIRE_INVALID_ARGUMENT');
    }
    expect(code(() => decodeMetadataMessage(data))).toBe('WIRE_BAD_EXTENSION');
    expect(decodePex(pex, 1).added.length).toBe(1);
  });
});

describe('BEP 9 ut_metadata', () => {
  it('encodes and decodes request, reject and data (dict followed by the piece)', () => {
    expect(new TextDecoder().decode(encodeMetadataMessage({ type: 'request', piece: 0 }))).toBe('d8:msg_typei0e5:piecei0ee');
    expect(decodeMetadataMessage(encodeMetadataMessage({ type: 'reject', piece: 2 }))).toEqual({ type: 'reject', piece: 2 });
    const data = pattern(100);
    const payload = encodeMetadataMessage({ type: 'data', piece: 1, totalSize: 16384 + 100, data });
    expect(new TextDecoder().decode(payload.subarray(0, 45))).toBe('d8:msg_typei1e5:piecei1e10:total_sizei16484ee');
    expect(decodeMetadataMessage(payload)).toEqual({ type: 'data', piece: 1, totalSize: 16484, data });
  });

  it('rejects wrong piece sizes, unknown types and oversized metadata', () => {
    const mk = (o: object, tail: Uint8Array = new Uint8Array()) => concat([encode(o), tail]);
    expect(code(() => decodeMetadataMessage(mk({ msg_type: 1, piece: 0, total_size: 10 }, pattern(9))))).toBe('WIRE_BAD_EXTENSION');
    expect(code(() => decodeMetadataMessage(mk({ msg_type: 1, piece: 1, total_size: 10 }, pattern(10))))).toBe('WIRE_BAD_EXTENSION');
    expect(code(() => decodeMetadataMessage(mk({ msg_type: 1, piece: 0, total_size: 2 ** 40 }, pattern(16384))))).toBe('WIRE_BAD_EXTENSION');
    expect(code(() => decodeMetadataMessage(mk({ msg_type: 7, piece: 0 })))).toBe('WIRE_BAD_EXTENSION');
    expect(code(() => decodeMetadataMessage(mk({ msg_type: 0 })))).toBe('WIRE_BAD_EXTENSION');
  });

  it('assembles pieces and verifies them against the info hash', () => {
    const info = pattern(40000, 9);
    const hash = sha1(info);
    const a = new MetadataAssembler(info.length);
    expect(a.missing()).toEqual([0, 1, 2]);
    for (const piece of [2, 0, 1]) {
      const data = info.subarray(piece * 16384, Math.min(info.length, (piece + 1) * 16384));
      expect(a.add(decodeMetadataMessage(encodeMetadataMessage({ type: 'data', piece, totalSize: info.length, data })) as never)).toBe(true);
    }
    expect(a.complete).toBe(true);
    expect(equalBytes(a.verify(hash) ?? new Uint8Array(), info)).toBe(true);
    const b = new MetadataAssembler(5);
    b.add({ piece: 0, totalSize: 5, data: pattern(5) });
    expect(b.verify(hash)).toBeUndefined();
    expect(b.complete).toBe(false);
    expect(code(() => new MetadataAssembler(100 * 1024 * 1024))).toBe('WIRE_BAD_EXTENSION');
  });
});

describe('BEP 11 ut_pex and compact peers', () => {
  it('round-trips IPv4 and IPv6 peers with flags', () => {
    const payload = encodePex({
      added: [{ host: '10.0.0.1', port: 6881, flags: PexFlags.seed | PexFlags.reachable }, { host: '2001:db8::1', port: 51413 }],
      dropped: [{ host: '192.168.1.2', port: 1 }, { host: '::1', port: 2 }],
    });
    expect(decodePex(payload)).toEqual({
      added: [{ host: '10.0.0.1', port: 6881, flags: 0x12 }, { host: '2001:db8::1', port: 51413, flags: 0 }],
      dropped: [{ host: '192.168.1.2', port: 1 }, { host: '::1', port: 2 }],
    });
  });

  it('rejects truncated compact strings and floods', () => {
    expect(code(() => decodePex(encode({ added: pattern(7) })))).toBe('WIRE_BAD_EXTENSION');
    expect(code(() => decodePex(encode({ added: new Uint8Array(6 * 201) })))).toBe('WIRE_BAD_EXTENSION');
    expect(decodePex(encode({}))).toEqual({ added: [], dropped: [] });
  });

  it('formats and parses addresses (RFC 5952 for IPv6)', () => {
    expect(formatIp(parseIp('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('::'))).toBe('::');
    expect(formatIp(parseIp('fe80::'))).toBe('fe80::');
    expect(formatIp(parseIp('1:2:3:4:5:6:7:8'))).toBe('1:2:3:4:5:6:7:8');
    expect(code(() => parseIp('1.2.3'))).toBe('WIRE_INVALID_ARGUMENT');
    expect(code(() => parseIp('1::2::3'))).toBe('WIRE_INVALID_ARGUMENT');
    expect(decodeCompactPeers(encodeCompactPeers([{ host: '1.2.3.4', port: 80 }], 4), 4)).toEqual([{ host: '1.2.3.4', port: 80 }]);
  });
});
