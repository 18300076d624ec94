import { describe, expect, it } from 'vitest';
import { announceUrl, bdecode, compactPeers, id20, scrapeUrl } from '../test/announce-helpers.ts';
import { createEdgeTracker } from './app.ts';
import { trackerOptionsFromEnv } from './env-options.ts';
import { formatCount, formatUptime } from './stats-page.ts';

const origin = 'http://tracker.test';
function make(extra: Parameters<typeof createEdgeTracker>[0] extends infer O ? Partial<O> : never = {}) {
  return createEdgeTracker({ interval: 300, clientIp: (r) => r.headers.get('x-test-ip') ?? undefined, ...extra });
}
const from = (ip: string) => ({ headers: { 'x-test-ip': ip } });

describe('createEdgeTracker fetch handler', () => {
  it('announces through the handler and peers find each other', async () => {
    const app = make();
    const ih = id20(1, 1);
    await app.fetch(new Request(announceUrl(origin, { infoHash: ih, peer: 1, port: 5001 }), from('192.0.2.1')));
    const r = await app.fetch(new Request(announceUrl(origin, { infoHash: ih, peer: 2, port: 5002 }), from('192.0.2.2')));
    const body = bdecode(await r.arrayBuffer());
    expect(body).toMatchObject({ interval: 300, incomplete: 2, complete: 0 });
    expect(compactPeers(body.peers)).toEqual(['192.0.2.1:5001']);
    const s = bdecode(await (await app.fetch(new Request(scrapeUrl(origin, [ih]), from('192.0.2.3')))).arrayBuffer());
    expect(Object.values(s.files as object)).toEqual([{ complete: 0, incomplete: 2, downloaded: 0 }]);
    await app.close();
  });

  it('serves /stats as a readable HTML page with the live figures', async () => {
    const app = make({ title: 'My <tracker>' });
    for (let p = 1; p <= 3; p++) {
      await app.fetch(new Request(announceUrl(origin, { infoHash: id20(2, 1), peer: p, left: p === 1 ? 0 : 5 }), from(`192.0.2.${p}`)));
    }
    const r = await app.fetch(new Request(`${origin}/stats`));
    expect(r.headers.get('content-type')).toContain('text/html');
    const html = await r.text();
    expect(html).toContain('<title>My &#60;tracker&#62; · stats</title>');
    expect(html).toMatch(/id="swarms">1</);
    expect(html).toMatch(/id="seeders">1</);
    expect(html).toMatch(/id="leechers">2</);
    expect(html).toMatch(/id="announces">3</);
    await app.close();
  });

  it('serves /stats.json', async () => {
    const app = make();
    await app.fetch(new Request(announceUrl(origin, { infoHash: id20(3, 1), peer: 1 }), from('192.0.2.1')));
    const j = (await (await app.fetch(new Request(`${origin}/stats.json`))).json()) as Record<string, unknown>;
    expect(j).toMatchObject({ swarms: 1, seeders: 0, leechers: 1, peers: 1, announces: 1, store: 'memory' });
    expect(typeof j.announcesPerSecond).toBe('number');
    expect(typeof j.uptimeSeconds).toBe('number');
    await app.close();
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const app = make();
    await app.fetch(new Request(announceUrl(origin, { infoHash: id20(4, 1), peer: 1, left: 0 }), from('192.0.2.1')));
    const r = await app.fetch(new Request(`${origin}/metrics`));
    expect(r.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await r.text();
    expect(text).toContain('# TYPE torrentkit_tracker_seeders gauge\ntorrentkit_tracker_seeders 1\n');
    expect(text).toContain('torrentkit_tracker_announces_total 1\n');
    // Every sample line is `name{labels}? value`.
    for (const line of text.trim().split('\n')) {
      if (!line.startsWith('#')) expect(line).toMatch(/^[a-z_]+(\{[a-z]+="[^"]*"\})? -?\d+(\.\d+)?$/);
    }
    await app.close();
  });

  it('answers unknown paths with 404 and an announce without a client address with a failure', async () => {
    const app = make();
    expect((await app.fetch(new Request(`${origin}/nope`))).status).toBe(404);
    const r = await app.fetch(new Request(announceUrl(origin, { infoHash: id20(5, 1), peer: 1 })));
    expect(bdecode(await r.arrayBuffer())['failure reason']).toBeDefined();
    await app.close();
  });

  it('asks the store for totals at most once per cache period, however often /stats is polled', async () => {
    const { MemorySwarmStore } = await import('@torrentkit/tracker');
    const store = new MemorySwarmStore();
    let calls = 0;
    const stats = store.stats.bind(store);
    store.stats = () => { calls++; return stats(); };
    let clock = 1_000_000;
    const app = make({ store, now: () => clock, statsCacheMs: 2000 });
    for (let i = 0; i < 20; i++) await (await app.fetch(new Request(`${origin}/stats.json`))).arrayBuffer();
    expect(calls).toBe(1);
    clock += 2500;
    await (await app.fetch(new Request(`${origin}/metrics`))).arrayBuffer();
    expect(calls).toBe(2);
    await app.close();
  });

  it('can turn the stats pages off', async () => {
    const app = make({ statsPages: false });
    expect((await app.fetch(new Request(`${origin}/stats`))).status).toBe(404);
    await app.close();
  });
});

describe('trackerOptionsFromEnv', () => {
  it('reads interval, lists, passkeys and limits', () => {
    const o = trackerOptionsFromEnv({
      TRACKER_INTERVAL: '600', TRACKER_ALLOW: `${'ab'.repeat(20)}, ${'cd'.repeat(20)}`, TRACKER_PASSKEYS: 'k1,k2',
      TRACKER_RATE_LIMIT: '5', TRACKER_NUMWANT_MAX: '80', TRACKER_TITLE: 'T',
    });
    expect(o).toMatchObject({ interval: 600, allowList: ['ab'.repeat(20), 'cd'.repeat(20)], passkeys: ['k1', 'k2'], rateLimit: { perSecond: 5 }, numwantMax: 80, title: 'T' });
  });

  it('rejects nonsense numbers', () => {
    expect(() => trackerOptionsFromEnv({ TRACKER_INTERVAL: 'soon' })).toThrow(/TRACKER_INTERVAL/);
  });
});

describe('stats formatting', () => {
  it('formats counts and uptimes for people', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatUptime(59)).toBe('59s');
    expect(formatUptime(93784)).toBe('1d 2h 3m');
  });
});
