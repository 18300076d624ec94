import { describe, expect, it } from 'vitest';
import {
  encodeBitfield, encodeChoke, encodeExtended, encodeHave, encodeKeepAlive, encodePiece, encodePort, encodeRequest, encodeUnchoke,
} from './encode.ts';
import { WireError, type WireErrorCode } from './errors.ts';
import { encodeHandshake } from './handshake.ts';
import type { WireEvent } from './messages.ts';
import { WireParser, type ParserOptions } from './parser.ts';
import { concat, pattern } from './test-helpers.ts';

function errorOf(f: () => unknown): WireError {
  try {
    f();
  } catch (e) {
    if (e instanceof WireError) return e;
    throw e;
  }
  throw new Error('expected a WireError');
}

function expectCode(f: () => unknown, code: WireErrorCode): WireError {
  const e = errorOf(f);
  expect(e.code).toBe(code);
  return e;
}

const hs = encodeHandshake({ infoHash: pattern(20, 1), peerId: pattern(20, 50), reserved: { fast: true } });
const stream = concat([
  hs,
  encodeBitfield(Uint8Array.of(0xff, 0xc0)),
  encodeKeepAlive(),
  encodeUnchoke(),
  encodeHave(9),
  encodeRequest({ index: 3, begin: 16384, length: 16384 }),
  encodePiece(3, 0, pattern(3000, 3)),
  encodePort(6881),
  encodeKeepAlive(),
  encodeExtended(0, new TextEncoder().encode('d1:md11:ut_metadatai2eee')),
  encodeChoke(),
]);

function parseChunks(chunks: Uint8Array[], opts?: ParserOptions): WireEvent[] {
  const p = new WireParser(opts);
  const out: WireEvent[] = [];
  for (const c of chunks) p.push(c, (e) => out.push(e));
  return out;
}

// Copy each event's byte fields so events from different parses compare by value.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function normalize(events: WireEvent[]): unknown[] {
  return events.map((e) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) o[k] = v instanceof Uint8Array ? Array.from(v, (b) => HEX[b]).join('') : v;
    return o;
  });
}

describe('WireParser', () => {
  const whole = parseChunks([stream], { pieceCount: 10 });

  it('parses a handshake followed by every kind of message', () => {
    expect(whole.map((e) => e.type)).toEqual([
      'handshake', 'bitfield', 'keep-alive', 'unchoke', 'have', 'request', 'piece', 'port', 'keep-alive', 'extended', 'choke',
    ]);
    const piece = whole[6];
    expect(piece?.type === 'piece' && piece.block.length).toBe(3000);
  });

  it('yields the same messages for every two-way split, and byte by byte', () => {
    const expected = normalize(whole);
    for (let cut = 0; cut <= stream.length; cut += cut < 200 ? 1 : 41) {
      expect(normalize(parseChunks([stream.subarray(0, cut), stream.subarray(cut)], { pieceCount: 10 }))).toEqual(expected);
    }
    const bytes = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
    expect(normalize(parseChunks(bytes, { pieceCount: 10 }))).toEqual(expected);
  });

  it('returns blocks as views into the received chunk when the message is whole', () => {
    const chunk = encodePiece(1, 0, pattern(16384));
    const [msg] = new WireParser({ handshake: false }).parse(chunk);
    expect(msg?.type).toBe('piece');
    if (msg?.type === 'piece') {
      expect(msg.block.buffer).toBe(chunk.buffer);
      expect(msg.block.byteOffset).toBe(13);
    }
  });

  it('fails at once on a 4 GiB declared length, before any allocation', () => {
    const p = new WireParser({ handshake: false });
    const e = expectCode(() => p.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 7), () => {}), 'WIRE_MESSAGE_TOO_LONG');
    expect(e.offset).toBe(0);
    // Also when the length arrives one byte at a time.
    const q = new WireParser({ handshake: false });
    q.push(Uint8Array.of(0xff), () => {});
    q.push(Uint8Array.of(0xff, 0xff), () => {});
    expectCode(() => q.push(Uint8Array.of(0xff), () => {}), 'WIRE_MESSAGE_TOO_LONG');
  });

  it('enforces the block size limit and fixed lengths per message id', () => {
    const big = new Uint8Array([0, 0, 0x40, 0x0a, 7]); // 16 KiB + 10 length: a block of 16385 bytes
    expectCode(() => new WireParser({ handshake: false, maxBlockLength: 16384 }).parse(big), 'WIRE_MESSAGE_TOO_LONG');
    expectCode(() => new WireParser({ handshake: false }).parse(Uint8Array.of(0, 0, 0, 2, 0, 0)), 'WIRE_BAD_LENGTH');
    expectCode(() => new WireParser({ handshake: false }).parse(Uint8Array.of(0, 0, 0, 4, 4, 0, 0, 0)), 'WIRE_BAD_LENGTH');
    expectCode(() => new WireParser({ handshake: false }).parse(Uint8Array.of(0, 0, 0, 12, 6)), 'WIRE_BAD_LENGTH');
    expectCode(() => new WireParser({ handshake: false }).parse(Uint8Array.of(0, 0, 0, 5, 7)), 'WIRE_BAD_LENGTH');
    expectCode(() => new WireParser({ handshake: false }).parse(Uint8Array.of(0, 0, 0, 1, 20)), 'WIRE_BAD_LENGTH');
  });

  it('checks bitfield size and spare bits against the piece count', () => {
    expectCode(() => new WireParser({ handshake: false, pieceCount: 10 }).parse(encodeBitfield(Uint8Array.of(0xff))), 'WIRE_BAD_BITFIELD');
    expectCode(() => new WireParser({ handshake: false, pieceCount: 10 }).parse(encodeBitfield(Uint8Array.of(0xff, 0xe0))), 'WIRE_BAD_BITFIELD');
    expect(new WireParser({ handshake: false, pieceCount: 10 }).parse(encodeBitfield(Uint8Array.of(0xff, 0xc0)))).toHaveLength(1);
    // Unknown piece count (magnet link): any size up to the limit.
    expect(new WireParser({ handshake: false }).parse(encodeBitfield(Uint8Array.of(0xff, 0xe0)))).toHaveLength(1);
  });

  it('checks piece indices when the piece count is known', () => {
    expectCode(() => new WireParser({ handshake: false, pieceCount: 9 }).parse(encodeHave(9)), 'WIRE_BAD_INDEX');
    const p = new WireParser({ handshake: false });
    expect(p.parse(encodeHave(9))).toHaveLength(1);
    p.setPieceCount(5);
    expectCode(() => p.parse(encodeRequest({ index: 5, begin: 0, length: 1 })), 'WIRE_BAD_INDEX');
  });

  it('rejects a non-BitTorrent handshake at the first byte and stays failed', () => {
    const p = new WireParser();
    const e = expectCode(() => p.parse(new TextEncoder().encode('GET / HTTP/1.1\r\n')), 'WIRE_BAD_PROTOCOL');
    expect(e.offset).toBe(0);
    expectCode(() => p.parse(hs), 'WIRE_BAD_PROTOCOL');
  });

  it('tracks the stream offset', () => {
    const p = new WireParser();
    p.parse(stream.subarray(0, 100));
    expect(p.offset).toBe(100);
    p.parse(stream.subarray(100));
    expect(p.offset).toBe(stream.length);
  });

  it('accepts the bitfield of a torrent with more than 8 Mi pieces, split or whole, and nothing else that long', () => {
    const pieceCount = 9_000_001; // 1,125,001 bytes of bitfield: over the default 1 MiB + 13
    const bits = new Uint8Array(Math.ceil(pieceCount / 8));
    bits[0] = 0x80;
    const msg = encodeBitfield(bits);
    const whole = new WireParser({ handshake: false, pieceCount }).parse(msg);
    expect(whole.length).toBe(1);
    expect((whole[0] as { bitfield: Uint8Array }).bitfield.length).toBe(bits.length);
    const split = new WireParser({ handshake: false, pieceCount });
    expect([...split.parse(msg.subarray(0, 3)), ...split.parse(msg.subarray(3, 70_000)), ...split.parse(msg.subarray(70_000))].length).toBe(1);
    // A bitfield of another size, or another message of that length, is still too long.
    expectCode(() => new WireParser({ handshake: false, pieceCount: pieceCount + 8 }).parse(msg), 'WIRE_MESSAGE_TOO_LONG');
    expectCode(() => new WireParser({ handshake: false, pieceCount }).parse(encodeExtended(1, new Uint8Array(bits.length - 1))), 'WIRE_MESSAGE_TOO_LONG');
  });

  // A NaN limit made every length prefix pass: 4 GiB would be allocated for one message.
  it('refuses limits that are not positive integers (Infinity: no limit) and piece counts outside [0, 2^32)', () => {
    for (const bad of [Number.NaN, 0, -1, 1.5]) {
      expectCode(() => new WireParser({ maxMessageLength: bad }), 'WIRE_INVALID_ARGUMENT');
      expectCode(() => new WireParser({ maxBlockLength: bad }), 'WIRE_INVALID_ARGUMENT');
    }
    expect(new WireParser({ maxMessageLength: Infinity, maxBlockLength: Infinity }).maxMessageLength).toBe(Infinity);
    for (const bad of [Number.NaN, -1, 1.5, 2 ** 32]) {
      expectCode(() => new WireParser({ pieceCount: bad }), 'WIRE_INVALID_ARGUMENT');
      expectCode(() => new WireParser().setPieceCount(bad), 'WIRE_INVALID_ARGUMENT');
    }
    expect(new WireParser({ pieceCount: 0 }).pieceCount).toBe(0);
  });

  it('yields unknown message ids for the caller to ignore', () => {
    expect(new WireParser({ handshake: false }).parse(Uint8Array.of(0, 0, 0, 2, 99, 1))).toEqual([{ type: 'unknown', id: 99, payload: Uint8Array.of(1) }]);
  });
});
