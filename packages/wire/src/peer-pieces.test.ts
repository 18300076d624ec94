// Unit tests of piece-set announcements, without a session: what we open with, what a peer's
// announcement means, and what a magnet session keeps until the piece count is known.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { WireParser } from './parser.ts';
import { announcedSet, EarlyPieces, openingAnnouncement, sameBits } from './peer-pieces.ts';

const typeOf = (bytes: Uint8Array | undefined): string | undefined =>
  bytes && new WireParser({ handshake: false }).parse(bytes)[0]?.type;

function set(n: number, ...indices: number[]): Bitfield {
  const b = new Bitfield(n);
  for (const i of indices) b.set(i);
  return b;
}

describe('openingAnnouncement', () => {
  it('uses have all / have none with fast, a bitfield otherwise, and nothing for an empty set without fast', () => {
    expect(typeOf(openingAnnouncement(Bitfield.full(10), true))).toBe('have-all');
    expect(typeOf(openingAnnouncement(new Bitfield(10), true))).toBe('have-none');
    expect(typeOf(openingAnnouncement(undefined, true))).toBe('have-none');
    expect(typeOf(openingAnnouncement(new Bitfield(0), true))).toBe('have-none'); // empty torrent: nothing to have
    expect(typeOf(openingAnnouncement(set(10, 3), true))).toBe('bitfield');
    expect(typeOf(openingAnnouncement(Bitfield.full(10), false))).toBe('bitfield');
    expect(openingAnnouncement(new Bitfield(10), false)).toBeUndefined();
    expect(openingAnnouncement(undefined, false)).toBeUndefined();
  });
});

describe('announcedSet and sameBits', () => {
  it('builds the announced set and compares sets by content', () => {
    expect(announcedSet('have-all', undefined, 10).complete).toBe(true);
    expect(announcedSet('have-none', undefined, 10).count).toBe(0);
    const got = announcedSet('bitfield', set(10, 1, 9).bytes, 10);
    expect(sameBits(got, set(10, 1, 9))).toBe(true);
    expect(sameBits(got, set(10, 1))).toBe(false);
    expect(sameBits(set(8), set(16))).toBe(false);
    expect(() => announcedSet('bitfield', Uint8Array.of(0xff), 10)).toThrow(/bitfield of 1 bytes/);
  });
});

describe('EarlyPieces', () => {
  it('resolves the latest announcement plus the haves after it, copying the bitfield bytes', () => {
    const e = new EarlyPieces();
    e.have(7); // before any announcement: replaced by the one below
    const raw = set(10, 2).bytes;
    e.announce('bitfield', raw);
    raw.fill(0xff); // the received chunk is reused
    e.have(5);
    const s = e.resolve(10);
    expect([...Array(10).keys()].filter((i) => s.has(i))).toEqual([2, 5]);
  });

  it('tells a new have from one the peer had already announced', () => {
    const e = new EarlyPieces();
    expect([e.have(3), e.have(3)]).toEqual([true, false]);
    e.announce('bitfield', set(16, 9).bytes);
    expect([e.have(9), e.have(3), e.have(15), e.have(15)]).toEqual([false, true, true, false]);
    e.announce('have-all', undefined);
    expect(e.have(3)).toBe(false);
    e.announce('have-none', undefined);
    expect(e.have(3)).toBe(true);
  });

  it('resolves have all, and an empty set when nothing was announced', () => {
    const e = new EarlyPieces();
    expect(e.resolve(4).count).toBe(0);
    e.announce('have-all', undefined);
    expect(e.resolve(4).complete).toBe(true);
  });

  it('throws when what arrived does not fit the piece count', () => {
    const a = new EarlyPieces();
    a.announce('bitfield', Uint8Array.of(0xff, 0xff));
    expect(() => a.resolve(10)).toThrow(expect.objectContaining({ code: 'WIRE_BAD_BITFIELD' }));
    const b = new EarlyPieces();
    b.have(10);
    expect(() => b.resolve(10)).toThrow(expect.objectContaining({ code: 'WIRE_BAD_INDEX' }));
  });
});
