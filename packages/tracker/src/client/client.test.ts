import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { createNodeAnnounceClient, createDgramTransport, serveTracker, type TrackerServer } from '../node.ts';
import { AnnounceClient } from './client.ts';
import { AnnounceTiers } from './tiers.ts';
import { UdpTrackerClient } from './udp-client.ts';
import { TrackerError } from '../errors.ts';
import { id20 } from '../test-helpers.ts';
import type { AnnounceParams } from './params.ts';

const H = id20(0x11, 1);
const params = (n: number, over: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: H, peerId: id20(0x22, n), port: 7000 + n, left: 100, event: 'started', key: n, ...over,
});

describe('AnnounceClient against our own server on 127.0.0.1', () => {
  let server: TrackerServer;
  let client: AnnounceClient;
  beforeAll(async () => {
    server = await serveTracker({ host: '127.0.0.1', port: 0, interval: 120 });
    client = createNodeAnnounceClient({ udpRetry: { baseMs: 200, maxRetries: 2 } });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('announces over HTTP and gets compact peers', async () => {
    await client.announce(server.httpUrl, params(1));
    const r = await client.announce(server.httpUrl, params(2));
    expect(r.interval).toBe(120);
    expect(r.incomplete).toBe(2);
    expect(r.peers).toEqual([{ ip: '127.0.0.1', port: 7001 }]);
  });

  it('announces over UDP to the same swarm', async () => {
    const r = await client.announce(server.udpUrl, params(3));
    expect(r.incomplete).toBe(3);
    expect(r.peers.map((p) => p.port).sort()).toEqual([7001, 7002]);
  });

  it('scrapes over HTTP and UDP, counting completions', async () => {
    await client.announce(server.httpUrl, params(1, { left: 0, event: 'completed' }));
    const other = id20(0x33, 3);
    expect(await client.scrape(server.httpUrl, [H, other])).toEqual([
      { complete: 1, incomplete: 2, downloaded: 1 }, { complete: 0, incomplete: 0, downloaded: 0 },
    ]);
    expect(await client.scrape(server.udpUrl, [H])).toEqual([{ complete: 1, incomplete: 2, downloaded: 1 }]);
  });

  it('turns a failure reason into TrackerError TRACKER_FAILURE', async () => {
    const err = await client.announce(server.httpUrl, { ...params(9), port: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackerError);
    expect(err).toMatchObject({ code: 'TRACKER_FAILURE', message: 'port must be 1..65535' });
    const udpErr = await client.announce(server.udpUrl, { ...params(9), port: 0 }).catch((e: unknown) => e);
    expect(udpErr).toMatchObject({ code: 'TRACKER_FAILURE', message: 'invalid port' });
  });

  it('reports HTTP status, network and unsupported-URL errors with codes', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    await expect(client.announce(`${base}/elsewhere`, params(1))).rejects.toMatchObject({ code: 'TRACKER_HTTP_STATUS' });
    await expect(client.announce('wss://tracker.example/announce', params(1))).rejects.toMatchObject({ code: 'TRACKER_UNSUPPORTED_URL' });
    // A port nothing listens on: take one from a closed server.
    const s = await serveTracker({ port: 0, udp: false });
    const dead = s.httpUrl;
    await s.close();
    await expect(client.announce(dead, params(1))).rejects.toMatchObject({ code: 'TRACKER_NETWORK' });
  });

  it('walks BEP 12 tiers and promotes the tracker that answered', async () => {
    const s = await serveTracker({ port: 0, udp: false });
    const dead = s.httpUrl;
    await s.close();
    const tiers = new AnnounceTiers([[dead, server.httpUrl], [server.udpUrl]], () => 0.99);
    const r = await client.announceTiers(tiers, params(4));
    expect(r.url).toBe(server.httpUrl);
    expect(tiers.tiers[0]![0]).toBe(server.httpUrl);
    const all = new AnnounceTiers([[dead]]);
    await expect(client.announceTiers(all, params(4))).rejects.toMatchObject({ code: 'TRACKER_ALL_FAILED' });
  });
});

describe('UDP client retry timing (BEP 15, shrunk for tests)', () => {
  let silent: Socket;
  let port = 0;
  const seen: number[] = [];
  beforeAll(async () => {
    silent = createSocket('udp4');
    silent.on('message', () => seen.push(Date.now()));
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    port = silent.address().port;
  });
  afterAll(() => {
    silent.close();
  });

  it('retransmits after base * 2^n and gives up with TRACKER_TIMEOUT', async () => {
    const c = new UdpTrackerClient(createDgramTransport(), { baseMs: 50, maxRetries: 3 });
    const err = await c.announce(`udp://127.0.0.1:${port}/announce`, params(1)).catch((e: unknown) => e);
    c.close();
    expect(err).toMatchObject({ code: 'TRACKER_TIMEOUT' });
    expect(seen.length).toBe(4); // the first try plus three retransmissions
    // Waits double: each gap is at least the scheduled one (no upper bound: the machine may be busy).
    const gaps = seen.slice(1).map((t, i) => t - seen[i]!);
    gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(50 * 2 ** i - 5));
  });

  it('close() aborts a pending announce', async () => {
    const c = new UdpTrackerClient(createDgramTransport(), { baseMs: 60_000 });
    const p = c.announce(`udp://127.0.0.1:${port}`, params(1)).catch((e: unknown) => e);
    setTimeout(() => c.close(), 20);
    expect(await p).toMatchObject({ code: 'TRACKER_ABORTED' });
  });
});

describe('AnnounceClient.scrape of long lists', () => {
  it('scrapes 150 info hashes over HTTP and UDP in several requests, rows in order', async () => {
    const server = await serveTracker({ host: '127.0.0.1', port: 0 });
    const client = createNodeAnnounceClient({ udpRetry: { baseMs: 2000, maxRetries: 3 } });
    try {
      const hashes = Array.from({ length: 150 }, (_, i) => id20(0x5a, i));
      // Swarm i gets i % 3 leechers, so every row is told apart from its neighbours.
      for (let i = 0; i < hashes.length; i += 1) {
        for (let k = 0; k < i % 3; k++) await client.announce(server.httpUrl, { ...params(k), infoHash: hashes[i]! });
      }
      const want = hashes.map((_, i) => ({ complete: 0, incomplete: i % 3, downloaded: 0 }));
      expect(await client.scrape(server.httpUrl, hashes)).toEqual(want);
      expect(await client.scrape(server.udpUrl, hashes)).toEqual(want);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('AnnounceClient.announceTiers and tracker id (BEP 3)', () => {
  it('sends each tracker the tracker id it sent last, and no other tracker', async () => {
    const asked: string[] = [];
    let aDown = false;
    const reply = (body: string) => Promise.resolve(new Response(body));
    const client = new AnnounceClient({
      fetch: (url) => {
        asked.push(url);
        if (url.startsWith('http://a.example/')) {
          if (aDown) return Promise.reject(new Error('down'));
          // Sends its id on the first reply only; the client must keep it.
          return reply(asked.length === 1 ? 'd8:intervali60e5:peers0:10:tracker id3:A-1e' : 'd8:intervali60e5:peers0:e');
        }
        return reply('d8:intervali60e5:peers0:10:tracker id3:B-1e');
      },
    });
    const tiers = new AnnounceTiers([['http://a.example/announce'], ['http://b.example/announce']]);
    expect(await client.announceTiers(tiers, params(1))).toMatchObject({ url: 'http://a.example/announce' });
    await client.announceTiers(tiers, params(1));
    aDown = true;
    expect(await client.announceTiers(tiers, params(1))).toMatchObject({ url: 'http://b.example/announce' });
    await client.announceTiers(tiers, params(1));
    const ids = asked.map((u) => /[?&]trackerid=([^&]*)/.exec(u)?.[1] ?? null);
    expect(ids).toEqual([null, 'A-1', 'A-1', null, 'A-1', 'B-1']);
    await client.close();
  });
});
