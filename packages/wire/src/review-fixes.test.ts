// Regression tests for defects found in review: late blocks delivered unchecked, allowed-fast with
// IPv6 / IPv4-mapped addresses, verified metadata rewritten by a later add(), IPv4-mapped peers in
// ut_pex, and a session without `pieces` serving pieces it never announced. Each failed before its fix.
import { sha1 } from '@noble/hashes/legacy.js';
import { describe, expect, it } from 'vitest';
import { allowedFastSet } from './allowed-fast.ts';
import { Bitfield } from './bitfield.ts';
import { formatIp, parseIp } from './compact.ts';
import { encodePiece, encodeReject, encodeRequest, encodeUnchoke } from './encode.ts';
import { encodeHandshake } from './handshake.ts';
import type { Message } from './messages.ts';
import { WireParser } from './parser.ts';
import type { Features } from './reserved.ts';
import { PeerSession, type PeerSessionOptions, type SessionEvent } from './session.ts';
import { MetadataAssembler } from './ut-metadata.ts';
import { decodePex, encodePex } from './ut-pex.ts';
import { concat, pattern } from './test-helpers.ts';

const infoHash = new Uint8Array(20).fill(0xaa);
const torrent = { pieceCount: 2, pieceLength: 32768, totalLength: 32768 + 20000 };

function connected(opts: Partial<PeerSessionOptions> = {}, features: Features = { fast: true, extended: true }) {
  const sent: Uint8Array[] = [];
  const events: SessionEvent[] = [];
  const s = new PeerSession({
    infoHash, peerId: pattern(20, 1), torrent, now: 0,
    onSend: (d) => sent.push(d.slice()),
    onEvent: (e) => events.push(e),
    ...opts,
  });
  s.start();
  s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: features }));
  return { s, sent, events };
}

const messages = (sent: Uint8Array[]): Message[] =>
  new WireParser().parse(concat(sent)).filter((e): e is Message => e.type !== 'handshake');
const of = <T extends SessionEvent['type']>(events: SessionEvent[], type: T) =>
  events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type);

describe('late blocks (answers to requests we cancelled or that timed out)', () => {
  for (const how of ['cancel', 'timeout'] as const) {
    const giveUp = (s: PeerSession): void => {
      if (how === 'cancel') s.cancel(1, 16384, 3616);
      else s.tick(1500);
    };

    it(`delivers a late block of the requested length (${how})`, () => {
      const { s, events } = connected({ requestTimeout: 1000 }, { fast: false, extended: false });
      s.receive(encodeUnchoke(), 0);
      s.request(1, 16384, 3616);
      giveUp(s);
      s.receive(encodePiece(1, 16384, pattern(3616)), 1600);
      expect(of(events, 'block').map((e) => e.block.length)).toEqual([3616]);
      expect(s.violations).toBe(0);
    });

    it(`refuses a late block of another length, even one past the end of the piece (${how})`, () => {
      const { s, events } = connected({ requestTimeout: 1000 }, { fast: false, extended: false });
      s.receive(encodeUnchoke(), 0);
      s.request(1, 16384, 3616); // the last block of the 20000-byte last piece
      giveUp(s);
      s.receive(encodePiece(1, 16384, new Uint8Array(100 * 1024)), 1600);
      s.receive(encodePiece(1, 16384, new Uint8Array(3615)), 1700);
      expect(of(events, 'block')).toEqual([]);
      expect(of(events, 'violation').map((e) => e.code)).toEqual(['WIRE_BAD_REQUEST', 'WIRE_UNEXPECTED_MESSAGE']);
      expect(s.violations).toBe(2);
    });
  }

  it('matches a late reject by its length too', () => {
    const { s, events } = connected();
    s.receive(encodeUnchoke(), 0);
    s.request(0, 0, 16384);
    s.cancel(0, 0, 16384);
    s.receive(encodeReject({ index: 0, begin: 0, length: 100 }), 1);
    expect(s.violations).toBe(1);
    s.receive(encodeReject({ index: 0, begin: 0, length: 16384 }), 2);
    expect(s.violations).toBe(1);
    expect(of(events, 'request-failed')).toEqual([]);
  });
});

describe('allowed-fast with IPv6 and IPv4-mapped addresses', () => {
  const v4 = allowedFastSet('80.4.4.200', infoHash, 1313, 7);

  it('treats IPv4-mapped addresses as the IPv4 address, string and 16-byte forms', () => {
    expect(v4).toEqual([1059, 431, 808, 1217, 287, 376, 1188]);
    expect(allowedFastSet('::ffff:80.4.4.200', infoHash, 1313, 7)).toEqual(v4);
    expect(allowedFastSet('::FFFF:5004:4c8', infoHash, 1313, 7)).toEqual(v4);
    const mapped = new Uint8Array(16);
    mapped.set([0xff, 0xff, 80, 4, 4, 200], 10);
    expect(allowedFastSet(mapped, infoHash, 1313, 7)).toEqual(v4);
  });

  it('hashes the /48 of a real IPv6 address (zone ids ignored)', () => {
    const a = allowedFastSet('2001:db8:1::1', infoHash, 1313, 7);
    expect(new Set(a).size).toBe(7);
    expect(allowedFastSet('2001:db8:1:ffff::2', infoHash, 1313, 7)).toEqual(a);
    expect(allowedFastSet('2001:db8:2::1', infoHash, 1313, 7)).not.toEqual(a);
    expect(allowedFastSet('fe80::1%eth0', infoHash, 1313, 7)).toEqual(allowedFastSet('fe80::2', infoHash, 1313, 7));
    expect(allowedFastSet('::1', infoHash, 1313, 7)).toHaveLength(7);
  });

  for (const ip of ['80.4.4.200', '::ffff:80.4.4.200', '2001:db8::1']) {
    it(`grants the set at the handshake instead of closing the session (${ip})`, () => {
      const pieces = Bitfield.full(100);
      const t = { pieceCount: 100, pieceLength: 16384, totalLength: 100 * 16384 };
      const { s, sent, events } = connected({ torrent: t, pieces, allowedFast: { ip, count: 5 } });
      expect(s.closed).toBe(false);
      expect(of(events, 'closed')).toEqual([]);
      const granted = messages(sent).flatMap((m) => (m.type === 'allowed-fast' ? [m.index] : []));
      expect(granted).toEqual(allowedFastSet(ip, infoHash, 100, 5));
    });
  }

  it('refuses an unparseable address when the session is created, not at the handshake', () => {
    expect(() => connected({ allowedFast: { ip: 'not-an-ip' } })).toThrow(/not an IP address/);
  });
});

describe('MetadataAssembler after a successful verify', () => {
  it('keeps the verified bytes: a later add() is refused', () => {
    const info = pattern(20000, 3);
    const a = new MetadataAssembler(info.length);
    a.add({ piece: 0, totalSize: info.length, data: info.subarray(0, 16384) });
    a.add({ piece: 1, totalSize: info.length, data: info.subarray(16384) });
    const verified = a.verify(sha1(info))!;
    expect(verified).toEqual(info);
    expect(a.add({ piece: 0, totalSize: info.length, data: new Uint8Array(16384).fill(0x45) })).toBe(false);
    expect(verified).toEqual(info);
    expect(a.verify(sha1(info))).toEqual(info);
    expect(a.complete).toBe(true);
  });
});

describe('IPv4-mapped IPv6 addresses in compact peers and ut_pex', () => {
  it('parses ::ffff:a.b.c.d (and its hex form) as the IPv4 address', () => {
    expect(parseIp('::ffff:1.2.3.4')).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(parseIp('::ffff:102:304')).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(parseIp('[::ffff:1.2.3.4]')).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(formatIp(parseIp('64:ff9b::1.2.3.4'))).toBe('64:ff9b::102:304');
    for (const bad of ['::ffff:1.2.3', '::ffff:1.2.3.256', '1.2.3.4::', '::1.2.3.4:5', '1:2:3:4:5:6:7:1.2.3.4']) {
      expect(() => parseIp(bad), bad).toThrow(/not an IP address/);
    }
  });

  it('puts v4-mapped peers in the IPv4 lists', () => {
    const d = decodePex(encodePex({ added: [{ host: '::ffff:1.2.3.4', port: 1, flags: 2 }], dropped: [{ host: '::ffff:5.6.7.8', port: 2 }] }));
    expect(d).toEqual({ added: [{ host: '1.2.3.4', port: 1, flags: 2 }], dropped: [{ host: '5.6.7.8', port: 2 }] });
  });
});

describe('a session created without `pieces` (we have none)', () => {
  it('refuses requests instead of serving pieces it never announced', () => {
    const { s, sent, events } = connected();
    s.unchoke();
    s.receive(encodeRequest({ index: 1, begin: 0, length: 16384 }), 1);
    expect(of(events, 'request')).toEqual([]);
    expect(of(events, 'violation').map((e) => e.code)).toEqual(['WIRE_BAD_REQUEST']);
    expect(messages(sent).filter((m) => m.type === 'reject')).toHaveLength(1);
  });

  it('serves a piece once have() announced it', () => {
    const { s, events } = connected();
    s.unchoke();
    s.have(1);
    expect(s.pieces?.has(1)).toBe(true);
    s.receive(encodeRequest({ index: 1, begin: 0, length: 16384 }), 1);
    expect(of(events, 'request')).toHaveLength(1);
    expect(s.violations).toBe(0);
  });

  it('refuses requests on a magnet link before the metadata is known', () => {
    const { s, events } = connected({ torrent: undefined });
    s.unchoke();
    s.receive(encodeRequest({ index: 0, begin: 0, length: 16384 }), 1);
    expect(of(events, 'request')).toEqual([]);
    expect(s.violations).toBe(1);
    s.setTorrent(torrent);
    expect(s.pieces?.count).toBe(0);
  });

  it('refuses have() before the torrent is known, so no piece is announced that would then be refused', () => {
    const { s, sent } = connected({ torrent: undefined });
    const before = sent.length;
    expect(() => s.have(0)).toThrow(expect.objectContaining({ code: 'WIRE_INVALID_ARGUMENT' }));
    expect(sent.length).toBe(before);
    s.setTorrent(torrent);
    s.have(1);
    expect(s.pieces?.has(1)).toBe(true);
  });
});
