import { describe, expect, it } from 'vitest';
import { ConnectionIds } from './udp/connection-id.ts';
import { AnnounceTiers } from './client/tiers.ts';
import { announceUrl, scrapeUrl } from './client/params.ts';
import { parseUdpUrl } from './client/udp-client.ts';
import { parseAnnounceQuery } from './http/announce-request.ts';
import { parseQuery, percentDecode } from './http/query.ts';
import { MemorySwarmStore } from './stores/memory.ts';
import { announceOf, testId } from './stores/store.contract.ts';
import { TrackerError } from './errors.ts';

describe('ConnectionIds', () => {
  const ip = new Uint8Array([10, 0, 0, 1]);
  it('is not a constant: differs per address, port, window and secret', () => {
    const a = new ConnectionIds(new Uint8Array(8).fill(1));
    const b = new ConnectionIds(new Uint8Array(8).fill(2));
    const t = 1_000_000_000;
    const id = a.issue(ip, 1, t);
    expect(a.issue(ip, 1, t)).toEqual(id);
    expect(a.issue(ip, 2, t)).not.toEqual(id);
    expect(a.issue(new Uint8Array([10, 0, 0, 2]), 1, t)).not.toEqual(id);
    expect(a.issue(ip, 1, t + 60_000)).not.toEqual(id);
    expect(b.issue(ip, 1, t)).not.toEqual(id);
    expect(b.verify(id, ip, 1, t)).toBe(false);
  });
  it('verifies for one to two minutes', () => {
    const c = new ConnectionIds();
    const t = 1_000_040_000; // 20 s into a window (windows start at multiples of 60 s)
    const id = c.issue(ip, 1, t);
    expect(c.verify(id, ip, 1, t + 99_000)).toBe(true);
    expect(c.verify(id, ip, 1, t + 100_000)).toBe(false);
    expect(c.verify(id.subarray(0, 7), ip, 1, t)).toBe(false);
  });
  it('refuses short secrets', () => {
    expect(() => new ConnectionIds(new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('AnnounceTiers (BEP 12)', () => {
  it('shuffles within tiers only and promotes the answering tracker', async () => {
    const tiers = new AnnounceTiers([['a', 'b', 'c'], ['d', 'e']], () => 0);
    expect(tiers.tiers.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(new Set(tiers.tiers[0])).toEqual(new Set(['a', 'b', 'c']));
    const tried: string[] = [];
    const r = await tiers.run(async (u) => {
      tried.push(u);
      if (u !== 'e') throw new Error('down');
      return 1;
    });
    expect(r.url).toBe('e');
    expect(tried.slice(0, 3).sort()).toEqual(['a', 'b', 'c']);
    expect(tiers.tiers[1]![0]).toBe('e');
  });
});

describe('client URLs', () => {
  it('builds binary-safe announce URLs that the server parser reads back', () => {
    const infoHash = new Uint8Array(20).map((_, i) => 255 - i * 7);
    const url = announceUrl('http://t/announce?passkey=x', { infoHash, peerId: testId(1, 2), port: 1, left: 0n, event: 'completed', numwant: 5, key: 0xdeadbeef });
    expect(url.startsWith('http://t/announce?passkey=x&info_hash=')).toBe(true);
    const r = parseAnnounceQuery(url.slice(url.indexOf('?') + 1));
    expect(r).toMatchObject({ infoHash, peerId: testId(1, 2), port: 1, left: 0, event: 'completed', numwant: 5 });
  });
  it('derives scrape URLs per BEP 48 convention', () => {
    const h = new Uint8Array(20);
    expect(scrapeUrl('http://t/x/announce.php?pk=1', [h])).toBe(`http://t/x/scrape.php?pk=1&info_hash=${'%00'.repeat(20)}`);
    expect(scrapeUrl('http://t/a', [h])).toBeNull();
  });
  it('parses udp URLs including IPv6 and BEP 41 URL data', () => {
    expect(parseUdpUrl('udp://[::1]:6969/announce?k=1')).toEqual({ host: '::1', port: 6969, urlData: '/announce?k=1' });
    expect(() => parseUdpUrl('udp://host:0')).toThrow(TrackerError);
  });
});

describe('query decoding', () => {
  it('keeps raw Latin-1 chars as bytes and decodes + as space', () => {
    expect(percentDecode('\u00ff%00a+')).toEqual(new Uint8Array([255, 0, 97, 32]));
    expect(() => percentDecode('\u0100')).toThrow(TrackerError);
    expect(parseQuery('a=1&&b&c=%41').map((p) => [p.name, [...p.value]])).toEqual([['a', [49]], ['b', []], ['c', [65]]]);
  });
  it('accepts BEP 7 ipv6= and ipv4= forms', () => {
    const base = `info_hash=${'%01'.repeat(20)}&peer_id=${'%02'.repeat(20)}&port=1`;
    expect(parseAnnounceQuery(`${base}&ipv6=%5B2001%3Adb8%3A%3A1%5D%3A6881`).ip?.length).toBe(16);
    expect(parseAnnounceQuery(`${base}&ipv4=10.0.0.1:6881`).ip).toEqual(new Uint8Array([10, 0, 0, 1]));
    expect(parseAnnounceQuery(`${base}&ip=example.org`).ip).toBeUndefined();
  });
});

describe('MemorySwarmStore memory', () => {
  it('packs peers into well under 200 bytes each (array bytes, 200 swarms x 100 peers)', async () => {
    const s = new MemorySwarmStore();
    for (let sw = 0; sw < 200; sw++) {
      for (let n = 0; n < 100; n++) s.announceSync(announceOf({ n, infoHash: testId(9, sw), numwant: 0 }));
    }
    expect((await s.stats()).leechers).toBe(20_000);
    expect(s.peerBytes() / 20_000).toBeLessThan(120);
  });
});
