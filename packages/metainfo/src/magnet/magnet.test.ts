import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MetainfoError } from '../errors.ts';
import { parseTorrent } from '../parse/parse-torrent.ts';
import { fixture, fixtureNames, fixtureText } from '../test-fixtures.ts';
import { fromHex, toBase32 } from '../util/hex.ts';
import { bytesText } from '../util/text.ts';
import { formatMagnet, magnetFromTorrent } from './format.ts';
import { isSelected, parseMagnet } from './parse.ts';

const HASH = '2e34989b1c60df821b2d046c884d8f4d1858b97a';
const V2 = 'caf1e1c30e81cb361b9ee167c4aa64228a7fa4fa9f6105232b28ad099f3a302e';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MetainfoError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('parseMagnet', () => {
  for (const name of fixtureNames('transmission', '.magnet')) {
    it(`parses ${name} and agrees with its torrent`, () => {
      const m = parseMagnet(fixtureText(`transmission/${name}`));
      const t = parseTorrent(fixture(`transmission/${name.replace(/\.magnet$/, '.torrent')}`));
      expect(m.infoHash).toBe(t.infoHash);
      expect(m.name).toBe(t.name);
    });
  }

  it('reads hex and base32 btih alike', () => {
    const b32 = toBase32(fromHex(HASH)!);
    expect(b32).toHaveLength(32);
    expect(parseMagnet(`magnet:?xt=urn:btih:${b32}`).infoHash).toBe(HASH);
    expect(parseMagnet(`magnet:?xt=urn:btih:${b32.toLowerCase()}`).infoHash).toBe(HASH);
    expect(parseMagnet(`magnet:?xt=urn:btih:${HASH.toUpperCase()}`).infoHash).toBe(HASH);
  });

  it('reads a v2 multihash, a hybrid and every BEP 9 parameter', () => {
    const m = parseMagnet(
      `magnet:?xt=urn:btih:${HASH}&xt=urn:btmh:1220${V2}&dn=A+B%20C&xl=1234` +
        '&tr=udp%3A%2F%2Ft1%3A80&tr=http://t2/announce?x=1%26y=2&tr.1=http://t3/&ws=http://seed/' +
        '&x.pe=127.0.0.1:6881&x.pe=[::1]:6881&so=0,2,4-6&kt=foo',
    );
    expect(m.infoHash).toBe(HASH);
    expect(m.infoHashV2).toBe(V2);
    expect(m.name).toBe('A B C');
    expect(m.length).toBe(1234);
    expect(m.trackers).toEqual(['udp://t1:80', 'http://t2/announce?x=1&y=2', 'http://t3/']);
    expect(m.webSeeds).toEqual(['http://seed/']);
    expect(m.peers).toEqual(['127.0.0.1:6881', '[::1]:6881']);
    expect(m.select).toEqual([[0, 0], [2, 2], [4, 6]]);
    expect(m.extra).toEqual([['kt', 'foo']]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((i) => isSelected(m.select, i))).toEqual([0, 2, 4, 5, 6]);
    expect(isSelected(undefined, 99)).toBe(true);
  });

  it('accepts a v2-only link', () => {
    const m = parseMagnet(`magnet:?xt=urn:btmh:1220${V2}`);
    expect(m.infoHash).toBeUndefined();
    expect(m.infoHashV2).toBe(V2);
  });

  it('fails with typed errors', () => {
    expect(codeOf(() => parseMagnet('http://example.com/'))).toBe('METAINFO_INVALID_MAGNET');
    expect(codeOf(() => parseMagnet('magnet:?dn=x'))).toBe('METAINFO_MISSING_INFO_HASH');
    expect(codeOf(() => parseMagnet('magnet:?xt=urn:ed2k:abc'))).toBe('METAINFO_MISSING_INFO_HASH');
    expect(codeOf(() => parseMagnet('magnet:?xt=urn:btih:1234'))).toBe('METAINFO_INVALID_INFO_HASH');
    expect(codeOf(() => parseMagnet(`magnet:?xt=urn:btih:${'g'.repeat(40)}`))).toBe('METAINFO_INVALID_INFO_HASH');
    expect(codeOf(() => parseMagnet(`magnet:?xt=urn:btmh:1114${V2}`))).toBe('METAINFO_INVALID_INFO_HASH');
    expect(codeOf(() => parseMagnet(`magnet:?xt=urn:btih:${HASH}&so=3-1`))).toBe('METAINFO_INVALID_MAGNET');
    expect(codeOf(() => parseMagnet(`magnet:?xt=urn:btih:${HASH}&so=a`))).toBe('METAINFO_INVALID_MAGNET');
    expect(codeOf(() => parseMagnet(`magnet:?xt=urn:btih:${HASH}&tr=%E0%A4%A`))).toBe('METAINFO_INVALID_MAGNET');
    expect(codeOf(() => parseMagnet(`magnet:?xt=urn:btih:${HASH}&xl=-1`))).toBe('METAINFO_INVALID_MAGNET');
    expect(codeOf(() => parseMagnet(`magnet:?xt=urn:btih:${HASH}&x=${'a'.repeat(70000)}`))).toBe('METAINFO_INVALID_MAGNET');
  });

  it('reads a dn that is not UTF-8 as clients do, keeping its bytes', () => {
    const name = (dn: string): string | undefined => parseMagnet(`magnet:?xt=urn:btih:${HASH}&dn=${dn}`).name;
    expect(name('%FF')).toBe('\udcff');
    expect(name('caf%E9+x')).toBe('caf\udce9 x');
    expect(name('%E0%A4%A')).toBe('\udce0\udca4%A');
    expect(name('100%')).toBe('100%');
    expect(name('%C3%A9%zz')).toBe('é%zz');
    // The same bytes a torrent's non-UTF-8 name is read as, and written back.
    expect(formatMagnet({ infoHash: HASH, name: name('a%FF%FEb') })).toBe(`magnet:?xt=urn:btih:${HASH}&dn=a%FF%FEb`);
  });

  it('only ever returns a link or throws MetainfoError (fast-check)', () => {
    const piece = fc.oneof(
      fc.constantFrom('xt=urn:btih:', 'xt=urn:btmh:1220', 'so=', 'xl=', 'tr=', '&', '=', '%', '%zz', HASH, V2, '1-', ','),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
        try {
          const m = parseMagnet(`magnet:?${parts.join('')}`);
          expect(m.infoHash ?? m.infoHashV2).toBeDefined();
        } catch (err) {
          expect(err).toBeInstanceOf(MetainfoError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseMagnet limits and peers', () => {
  it('counts the ranges of every so parameter against maxRanges', () => {
    const base = `magnet:?xt=urn:btih:${HASH}`;
    expect(parseMagnet(`${base}&so=1&so=2`, { maxRanges: 2 }).select).toEqual([[1, 1], [2, 2]]);
    expect(codeOf(() => parseMagnet(`${base}&so=1&so=2&so=3`, { maxRanges: 2 }))).toBe('METAINFO_INVALID_MAGNET');
    expect(codeOf(() => parseMagnet(`${base}&so=1,2&so=3`, { maxRanges: 2 }))).toBe('METAINFO_INVALID_MAGNET');
  });

  it('keeps x.pe peers that are host:port or [ipv6]:port and skips the rest', () => {
    const pe = ['1.2.3.4:6881', '%5B2001%3Adb8%3A%3A1%5D%3A51413', 'peer.example.org:80', 'not-an-address', '[::1', '1.2.3.4:99999', '1.2.3.4:0', 'host:', ':80'];
    const m = parseMagnet(`magnet:?xt=urn:btih:${HASH}&${pe.map((p) => `x.pe=${p}`).join('&')}`);
    expect(m.peers).toEqual(['1.2.3.4:6881', '[2001:db8::1]:51413', 'peer.example.org:80']);
  });
});

describe('formatMagnet', () => {
  it('round-trips through parseMagnet', () => {
    const link = {
      infoHash: HASH,
      infoHashV2: V2,
      name: 'name & more: 100%',
      length: 42,
      trackers: ['udp://t1:80/announce', 'http://t2/a?b=c&d=e'],
      webSeeds: ['https://seed/files/'],
      peers: ['[::1]:6881'],
      select: [[0, 0], [3, 5]] as Array<[number, number]>,
      extra: [['kt', 'a b']] as Array<[string, string]>,
    };
    const uri = formatMagnet(link);
    expect(uri.startsWith(`magnet:?xt=urn:btih:${HASH}&xt=urn:btmh:1220${V2}&dn=`)).toBe(true);
    expect(parseMagnet(uri)).toEqual(link);
  });

  it('round-trips arbitrary names and trackers (fast-check)', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string({ minLength: 1 }), { maxLength: 4 }), (name, trackers) => {
        const unique = [...new Set(trackers)];
        const m = parseMagnet(formatMagnet({ infoHash: HASH, name, trackers: unique }));
        expect(m.name).toBe(name);
        expect(m.trackers).toEqual(unique);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what parseMagnet would reject', () => {
    const at = (m: Parameters<typeof formatMagnet>[0]): string => codeOf(() => formatMagnet({ infoHash: HASH, ...m }));
    expect(at({ select: [[3, 1]] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ select: [[1.5, NaN]] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ select: [[-1, 2]] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ select: [[0, 1e15]] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ select: [[0, Infinity]] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ length: -5 })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ length: 1.5 })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ length: 2 ** 53 })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ trackers: ['http://t/\ud800'] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ name: 'a\ud800' })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ select: [[0, 999_999_999_999_999]], length: Number.MAX_SAFE_INTEGER })).toBe('ok');
    expect(at({ peers: ['not-an-address'] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ peers: ['1.2.3.4:99999'] })).toBe('METAINFO_INVALID_MAGNET');
    expect(at({ peers: ['1.2.3.4:6881', '[::1]:6881', 'peer.example:1'] })).toBe('ok');
  });

  it('round-trips any link it accepts (fast-check)', () => {
    const index = fc.oneof(fc.integer({ min: -2, max: 20 }), fc.double(), fc.constant(999_999_999_999_999));
    const names = fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 8 }).map((b) => bytesText(b)));
    fc.assert(
      fc.property(
        fc.option(names, { nil: undefined }),
        fc.option(fc.oneof(fc.integer({ min: -3, max: 1e6 }), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER)), { nil: undefined }),
        fc.option(fc.array(fc.tuple(index, index), { minLength: 1, maxLength: 4 }), { nil: undefined }),
        (name, length, select) => {
          const input = { infoHash: HASH, name, length, select: select as Array<[number, number]> | undefined };
          let uri: string;
          try {
            uri = formatMagnet(input);
          } catch (err) {
            expect(err).toBeInstanceOf(MetainfoError);
            return;
          }
          const m = parseMagnet(uri);
          // -0 is written as "0" and read back as +0: the same length or index, so compare as numbers.
          const plusZero = (v: unknown): unknown => (v === 0 ? 0 : Array.isArray(v) ? v.map(plusZero) : v);
          expect([m.name, m.length, m.select]).toEqual(plusZero([name, length, select]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('needs a valid hash', () => {
    expect(codeOf(() => formatMagnet({}))).toBe('METAINFO_MISSING_INFO_HASH');
    expect(codeOf(() => formatMagnet({ infoHash: 'xyz' }))).toBe('METAINFO_INVALID_INFO_HASH');
  });
});

describe('magnetFromTorrent', () => {
  it('carries hashes, name, trackers and web seeds', () => {
    const t = parseTorrent(fixture('transmission/Inner_Sanctum_movie_archive.torrent'));
    const m = magnetFromTorrent(t);
    expect(m.infoHash).toBe('f735d5be075bdb8832e29c96e80e53fdace6178b');
    expect(m.trackers).toEqual(['http://bt1.archive.org:6969/announce', 'http://bt2.archive.org:6969/announce']);
    expect(m.webSeeds).toEqual(t.urlList);
    expect(parseMagnet(formatMagnet(m))).toEqual(m);
  });

  it('gives hybrids both hashes', () => {
    const t = parseTorrent(fixture('transmission/bittorrent-v2-hybrid-test.torrent'));
    const uri = formatMagnet(magnetFromTorrent(t));
    expect(uri).toContain(`xt=urn:btih:${t.infoHash}`);
    expect(uri).toContain(`xt=urn:btmh:1220${t.infoHashV2}`);
  });
});
