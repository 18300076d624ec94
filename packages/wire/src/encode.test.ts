import { describe, expect, it } from 'vitest';
import {
  encodeAllowedFast, encodeBitfield, encodeCancel, encodeChoke, encodeExtended, encodeHave, encodeHaveAll, encodeHaveNone,
  encodeInterested, encodeKeepAlive, encodeMessage, encodeNotInterested, encodePiece, encodePieceHeader, encodePort,
  encodeReject, encodeRequest, encodeSuggest, encodeUnchoke, writeBlockMessage,
} from './encode.ts';
import { WireError } from './errors.ts';
import type { Message } from './messages.ts';
import { WireParser } from './parser.ts';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('encoders produce the BEP 3 / BEP 6 / BEP 10 byte layouts', () => {
  it('bare messages', () => {
    expect(hex(encodeKeepAlive())).toBe('00000000');
    expect(hex(encodeChoke())).toBe('0000000100');
    expect(hex(encodeUnchoke())).toBe('0000000101');
    expect(hex(encodeInterested())).toBe('0000000102');
    expect(hex(encodeNotInterested())).toBe('0000000103');
    expect(hex(encodeHaveAll())).toBe('000000010e');
    expect(hex(encodeHaveNone())).toBe('000000010f');
  });
  it('index messages', () => {
    expect(hex(encodeHave(0x01020304))).toBe('000000050401020304');
    expect(hex(encodeSuggest(7))).toBe('000000050d00000007');
    expect(hex(encodeAllowedFast(0xffffffff))).toBe('0000000511ffffffff');
  });
  it('block messages', () => {
    expect(hex(encodeRequest({ index: 1, begin: 16384, length: 16384 }))).toBe('0000000d06000000010000400000004000');
    expect(hex(encodeCancel({ index: 1, begin: 0, length: 1 }))).toBe('0000000d08000000010000000000000001');
    expect(hex(encodeReject({ index: 2, begin: 0, length: 1 }))).toBe('0000000d10000000020000000000000001');
    const buf = new Uint8Array(34);
    expect(writeBlockMessage(buf, 17, 6, 1, 2, 3)).toBe(34);
    expect(hex(buf.subarray(17))).toBe('0000000d06000000010000000200000003');
  });
  it('piece header, piece, bitfield, port, extended', () => {
    expect(hex(encodePieceHeader(3, 16, 4))).toBe('0000000d070000000300000010');
    expect(hex(encodePiece(3, 16, Uint8Array.of(1, 2, 3, 4)))).toBe('0000000d07000000030000001001020304');
    expect(hex(encodeBitfield(Uint8Array.of(0xff, 0x80)))).toBe('0000000305ff80');
    expect(hex(encodePort(6881))).toBe('00000003091ae1');
    expect(hex(encodeExtended(0, Uint8Array.of(0x64, 0x65)))).toBe('000000041400' + '6465');
  });
  it('rejects out-of-range arguments with WIRE_INVALID_ARGUMENT', () => {
    const bad = [
      () => encodeHave(-1),
      () => encodeHave(2 ** 32),
      () => encodeRequest({ index: 0, begin: 0.5, length: 1 }),
      () => encodePort(70000),
      () => encodeExtended(256, new Uint8Array()),
    ];
    for (const f of bad) {
      expect(f).toThrow(WireError);
      try { f(); } catch (e) { expect((e as WireError).code).toBe('WIRE_INVALID_ARGUMENT'); }
    }
  });
  it('encodeMessage round-trips through the parser for every message type', () => {
    const msgs: Message[] = [
      { type: 'keep-alive' }, { type: 'choke' }, { type: 'unchoke' }, { type: 'interested' }, { type: 'not-interested' },
      { type: 'have', index: 5 }, { type: 'bitfield', bitfield: Uint8Array.of(0xa0) },
      { type: 'request', index: 1, begin: 2, length: 3 }, { type: 'piece', index: 1, begin: 2, block: Uint8Array.of(9, 8, 7) },
      { type: 'cancel', index: 1, begin: 2, length: 3 }, { type: 'port', port: 6881 }, { type: 'suggest', index: 4 },
      { type: 'have-all' }, { type: 'have-none' }, { type: 'reject', index: 1, begin: 2, length: 3 },
      { type: 'allowed-fast', index: 6 }, { type: 'extended', id: 3, payload: Uint8Array.of(1, 2) },
      { type: 'unknown', id: 21, payload: Uint8Array.of(5) },
    ];
    for (const m of msgs) {
      const p = new WireParser({ handshake: false });
      expect(p.parse(encodeMessage(m))).toEqual([m]);
    }
  });
});
