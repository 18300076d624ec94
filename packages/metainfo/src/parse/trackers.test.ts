// Tracker and web seed lists: blanks and repeats dropped, first occurrence order kept, in time that
// grows with the list (a Set, not a scan per URL: trackers lists come from untrusted files).
import { encode } from '@torrentkit/bencode';
import { describe, expect, it } from 'vitest';
import { readAnnounceList, readUrlList } from './trackers.ts';

const t = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('trackers', () => {
  it('drops blanks and repeats, keeping first-seen order', () => {
    const d = {
      'announce-list': [[t('udp://a'), t(' '), t('udp://b'), t('udp://a')], [], [t('http://c')], 'junk'],
      'url-list': [t('http://w/1'), t('http://w/2'), t('http://w/1'), t('')],
    };
    expect(readAnnounceList(d as never)).toEqual([['udp://a', 'udp://b'], ['http://c']]);
    expect(readUrlList(d as never)).toEqual(['http://w/1', 'http://w/2']);
    expect(readUrlList({ 'url-list': t('http://single') } as never)).toEqual(['http://single']);
  });

  it('handles a tier of 100,000 URLs, half of them repeats', () => {
    const urls = Array.from({ length: 100_000 }, (_, i) => t(`http://tracker-${i % 50_000}.example/announce`));
    expect(encode({ x: urls }).length).toBeGreaterThan(1_000_000);
    const tiers = readAnnounceList({ 'announce-list': [urls] } as never);
    expect(tiers[0]!.length).toBe(50_000);
    expect(tiers[0]![49_999]).toBe('http://tracker-49999.example/announce');
    expect(readUrlList({ 'url-list': urls } as never).length).toBe(50_000);
  });
});
