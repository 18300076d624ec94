// Error paths of the fetch handler outside announce and scrape: a store that fails under the stats
// pages, and methods the pages do not serve.
import { describe, expect, it } from 'vitest';
import { MemorySwarmStore } from '@torrentkit/tracker';
import { createEdgeTracker } from './app.ts';

const origin = 'http://tracker.test';

describe('stats pages when the store fails', () => {
  it.each(['/stats', '/stats.json', '/metrics'])('%s answers 503 and reports the error', async (path) => {
    const store = new MemorySwarmStore();
    const down = new Error('store down');
    store.stats = () => Promise.reject(down);
    const seen: unknown[] = [];
    const app = createEdgeTracker({ store, clientIp: () => '192.0.2.1', onError: (e) => seen.push(e) });
    const r = await app.fetch(new Request(origin + path));
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.text()).toContain('stats unavailable');
    expect(seen).toEqual([down]);
    // The failure is not cached: once the store answers again, so does the page.
    delete (store as { stats?: unknown }).stats;
    expect((await app.fetch(new Request(origin + path))).status).toBe(200);
    await app.close();
  });
});

describe('methods the pages do not serve', () => {
  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('%s on a page is 405 with Allow', async (method) => {
    const app = createEdgeTracker({ clientIp: () => '192.0.2.1' });
    for (const path of ['/', '/stats', '/stats.json', '/metrics']) {
      const r = await app.fetch(new Request(origin + path, { method }));
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
    }
    expect((await app.fetch(new Request(`${origin}/nope`, { method }))).status).toBe(404);
    await app.close();
  });

  it('keeps 404 for the pages when they are turned off', async () => {
    const app = createEdgeTracker({ clientIp: () => '192.0.2.1', statsPages: false });
    expect((await app.fetch(new Request(`${origin}/stats`, { method: 'POST' }))).status).toBe(404);
    await app.close();
  });
});

describe('/stats/ (trailing slash)', () => {
  it('redirects to /stats, where the relative stats.json and metrics links resolve', async () => {
    const app = createEdgeTracker({ clientIp: () => '192.0.2.1' });
    const r = await app.fetch(new Request(`${origin}/stats/`));
    expect(r.status).toBe(301);
    const target = new URL(r.headers.get('location')!, `${origin}/stats/`);
    expect(target.href).toBe(`${origin}/stats`);
    // From the page's own URL its links reach the JSON the page refreshes from.
    const json = await app.fetch(new Request(new URL('stats.json', target)));
    expect(json.status).toBe(200);
    await app.close();
  });
});
