// The HTTP announce client against hostile or stalling trackers: oversized replies, aborts at every
// stage, close() with requests in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createNodeAnnounceClient, createUndiciFetch } from '../node.ts';
import { TrackerError } from '../errors.ts';
import { id20 } from '../test-helpers.ts';
import { AnnounceClient } from './client.ts';
import { AnnounceTiers } from './tiers.ts';
import type { AnnounceParams } from './params.ts';

const params: AnnounceParams = { infoHash: id20(0x44, 1), peerId: id20(0x55, 1), port: 6881, left: 0 };

/** The stub tracker: paths /ok, /huge and anything else (stalls mid-reply). */
interface Hostile {
  url: (path: string) => string;
  requests: string[];
  /** Resolves with the server side socket of the next request to `path`. */
  next: (path: string) => Promise<Socket>;
}

describe('HTTP announce client against a hostile tracker', () => {
  let server: Server;
  let hostile: Hostile;
  const waiters = new Map<string, (s: Socket) => void>();
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    const requests: string[] = [];
    server = createServer((req, res) => {
      const path = req.url!.slice(0, req.url!.indexOf('?') >>> 0);
      requests.push(path);
      if (path === '/ok/announce') {
        res.end('d8:intervali60e5:peers0:e');
      } else if (path === '/late/announce') {
        setTimeout(() => res.end('d8:intervali60e5:peers0:e'), 50);
      } else if (path === '/huge/announce') {
        // Declares 4 MiB, sends 64 KiB, then nothing: a client that stops reading must hang up.
        res.writeHead(200, { 'content-length': String(4 << 20) });
        res.write(new Uint8Array(65536));
        stalled.push(res);
      } else {
        // Headers and half a reply, then silence.
        res.writeHead(200, { 'content-length': '100' });
        res.write('d8:intervali');
        stalled.push(res);
      }
      waiters.get(path)?.(req.socket);
      waiters.delete(path);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    hostile = {
      url: (path) => `http://127.0.0.1:${port}${path}`,
      requests,
      next: (path) => new Promise((r) => waiters.set(path, r)),
    };
  });
  afterAll(async () => {
    for (const res of stalled) res.destroy();
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('hangs up on a reply it refuses as too large, so close() does not wait for it', async () => {
    const client = createNodeAnnounceClient({ httpTimeout: 60_000 });
    const sock = hostile.next('/huge/announce');
    const err = await client.announce(hostile.url('/huge/announce'), params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackerError);
    expect(err).toMatchObject({ code: 'TRACKER_BAD_RESPONSE', message: 'reply too large' });
    const s = await sock;
    if (!s.destroyed) await new Promise((r) => s.once('close', r));
    await client.close(); // the Agent's close waits for open requests
  });

  it('does not send a request when the signal is already aborted', async () => {
    const client = createNodeAnnounceClient();
    const before = hostile.requests.length;
    const ac = new AbortController();
    ac.abort();
    await expect(client.announce(hostile.url('/ok/announce'), params, ac.signal)).rejects.toMatchObject({ code: 'TRACKER_ABORTED' });
    await expect(client.scrape(hostile.url('/ok/announce'), [params.infoHash], ac.signal)).rejects.toMatchObject({ code: 'TRACKER_ABORTED' });
    expect(hostile.requests.length).toBe(before);
    await client.close();
  });

  /** A client over undici whose `gotHeaders` settles once the first reply's headers have arrived. */
  const clientSignallingHeaders = (): { client: AnnounceClient; gotHeaders: Promise<void> } => {
    const u = createUndiciFetch();
    let headers!: () => void;
    const gotHeaders = new Promise<void>((r) => { headers = r; });
    const client = new AnnounceClient({
      fetch: async (url, init) => { const res = await u.fetch(url, init); headers(); return res; },
      httpTimeout: 60_000, onClose: u.close,
    });
    return { client, gotHeaders };
  };

  it('reports an abort while the body arrives as TRACKER_ABORTED, not a timeout', async () => {
    const { client, gotHeaders } = clientSignallingHeaders();
    const ac = new AbortController();
    const p = client.announce(hostile.url('/stall/announce'), params, ac.signal).catch((e: unknown) => e);
    await gotHeaders;
    ac.abort();
    expect(await p).toMatchObject({ code: 'TRACKER_ABORTED' });
    await client.close();
  });

  it('stops walking the tiers once the signal is aborted', async () => {
    const { client, gotHeaders } = clientSignallingHeaders();
    const tiers = new AnnounceTiers([[hostile.url('/stall/announce')], [hostile.url('/ok/announce')]]);
    const before = hostile.requests.length;
    const ac = new AbortController();
    const p = client.announceTiers(tiers, params, ac.signal).catch((e: unknown) => e);
    await gotHeaders;
    ac.abort();
    expect(await p).toMatchObject({ code: 'TRACKER_ABORTED' });
    expect(hostile.requests.slice(before)).toEqual(['/stall/announce']);
    await client.close();
  });

  it('scrapes nothing for no info hashes (HTTP would otherwise ask for a full scrape)', async () => {
    const asked: string[] = [];
    const client = new AnnounceClient({ fetch: async (url) => { asked.push(String(url)); return new Response('de'); } });
    expect(await client.scrape('http://127.0.0.1:1/announce', [])).toEqual([]);
    expect(asked).toEqual([]);
    await expect(client.scrape('gopher://x/announce', [])).rejects.toMatchObject({ code: 'TRACKER_UNSUPPORTED_URL' });
    await client.close();
  });

  it('times out a tracker that stops in the middle of its reply', async () => {
    const client = createNodeAnnounceClient({ httpTimeout: 200 });
    await expect(client.announce(hostile.url('/stall/announce'), params)).rejects.toMatchObject({ code: 'TRACKER_TIMEOUT' });
    await client.close();
  });

  it('takes an httpTimeout of Infinity as no timeout', async () => {
    const client = createNodeAnnounceClient({ httpTimeout: Infinity });
    expect(await client.announce(hostile.url('/late/announce'), params)).toMatchObject({ interval: 60 });
    await client.close();
  });

  it('names the reason of a network failure, not only "fetch failed"', async () => {
    const client = createNodeAnnounceClient();
    // A port nothing listens on: take one from a closed server.
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    const err = await client.announce(`http://127.0.0.1:${port}/announce`, params).catch((e: unknown) => e) as TrackerError;
    expect(err).toMatchObject({ code: 'TRACKER_NETWORK' });
    let root: unknown = err.cause;
    while (root instanceof Error && root.cause instanceof Error) root = root.cause;
    expect(err.message).toContain((root as Error).message);
    await client.close();
  });

  it('close() aborts requests in flight and refuses later ones', async () => {
    const client = createNodeAnnounceClient({ httpTimeout: 60_000 });
    const arrived = hostile.next('/stall/announce');
    const p = client.announce(hostile.url('/stall/announce'), params).catch((e: unknown) => e);
    await arrived;
    await client.close();
    expect(await p).toMatchObject({ code: 'TRACKER_ABORTED' });
    await expect(client.announce(hostile.url('/ok/announce'), params)).rejects.toMatchObject({ code: 'TRACKER_ABORTED' });
  });
});
