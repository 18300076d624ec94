// Server mode (Node, Deno, Bun): HTTP and UDP on one port, plus the stats pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrackerServer, type RunningTracker } from '../src/server.ts';
import { announceUrl, bdecode, compactPeers, id20 } from './announce-helpers.ts';
import { udpAnnounce } from './udp-helpers.ts';

describe('startTrackerServer (HTTP + UDP on one port)', () => {
  let t: RunningTracker;
  beforeAll(async () => {
    t = await startTrackerServer({ port: 0, interval: 240 });
  });
  afterAll(() => t.close());

  it('serves HTTP announces and UDP announces of the same swarm on the same port number', async () => {
    const ih = id20(0x31, 1);
    const r = await fetch(announceUrl(t.origin, { infoHash: ih, peer: 1, port: 6001 }));
    expect(bdecode(await r.arrayBuffer())).toMatchObject({ interval: 240, incomplete: 1 });
    expect(t.server.udp).toBeDefined();
    const u = await udpAnnounce(t.server.port, { infoHash: ih, peerId: id20(0xbb, 2), peerPort: 6002, left: 0n });
    expect(u).toMatchObject({ action: 1, interval: 240, leechers: 1, seeders: 1 });
    expect(u.peers).toEqual(['127.0.0.1:6001']);
    const again = bdecode(await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 1, port: 6001 }))).arrayBuffer());
    expect(compactPeers(again.peers)).toEqual(['127.0.0.1:6002']);
  });

  it('serves /stats, /stats.json and /metrics next to the tracker', async () => {
    const page = await fetch(`${t.origin}/stats`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Announces / s');
    const j = (await (await fetch(`${t.origin}/stats.json`)).json()) as Record<string, number>;
    expect(j.swarms).toBeGreaterThanOrEqual(1);
    expect(j.announces).toBeGreaterThanOrEqual(3);
    expect(j.udpConnects).toBeGreaterThanOrEqual(1);
    expect(await (await fetch(`${t.origin}/metrics`)).text()).toContain('torrentkit_tracker_udp_connects_total');
  });

  it('runs on the lean node:net HTTP engine and answers unknown paths with the app 404', async () => {
    expect('closeAllConnections' in t.server.http).toBe(false);
    const nf = await fetch(`${t.origin}/nothing-here`);
    expect(nf.status).toBe(404);
    expect(await nf.text()).toBe('not found\n');
    const head = await fetch(`${t.origin}/stats.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
  });

  it('answers a 1 MB query string with a failure and keeps serving', async () => {
    const r = await fetch(`${t.origin}/announce?x=${'a'.repeat(1_000_000)}`).catch(() => undefined);
    if (r) expect([200, 414, 431]).toContain(r.status);
    const ok = await fetch(`${t.origin}/stats.json`);
    expect(ok.status).toBe(200);
  });
});

describe('startTrackerServer behind a reverse proxy', () => {
  it('believes X-Forwarded-For only from a trusted proxy address', async () => {
    const open = await startTrackerServer({ port: 0, udp: false });
    const proxied = await startTrackerServer({ port: 0, udp: false, trustedProxies: ['127.0.0.1'] });
    try {
      for (const t of [open, proxied]) {
        const ih = id20(0x32, 1);
        const headers = { 'x-forwarded-for': '198.51.100.77' };
        await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 1, port: 6101 }), { headers })).arrayBuffer();
        const r = bdecode(await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 2 }))).arrayBuffer());
        expect(compactPeers(r.peers)).toEqual([t === open ? '127.0.0.1:6101' : '198.51.100.77:6101']);
      }
    } finally {
      await open.close();
      await proxied.close();
    }
  });
});
