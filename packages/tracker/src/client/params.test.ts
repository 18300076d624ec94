// Announce parameters that no request can carry fail with TRACKER_BAD_PARAM before anything is sent,
// over HTTP and UDP alike, and every failure arrives as a rejected promise.
import { describe, expect, it } from 'vitest';
import { TrackerError } from '../errors.ts';
import { id20 } from '../test-helpers.ts';
import { createNodeAnnounceClient, serveTracker } from '../node.ts';
import { AnnounceClient } from './client.ts';
import { scrapeUrl, type AnnounceParams } from './params.ts';
import type { UdpTransport } from './udp-client.ts';

const good: AnnounceParams = { infoHash: id20(0x11, 1), peerId: id20(0x22, 1), port: 6881, left: 0 };

function recordingClient() {
  const sent: Uint8Array[] = [];
  const fetched: string[] = [];
  const udp: UdpTransport = { send: (packet) => { sent.push(packet); }, onMessage: () => {}, close: () => {} };
  const client = new AnnounceClient({
    udp, udpRetry: { baseMs: 60_000 },
    fetch: (url) => { fetched.push(url); return Promise.resolve(new Response('d8:intervali60ee')); },
  });
  return { client, sent, fetched };
}

const bad: [string, Partial<AnnounceParams>][] = [
  ['a 32-byte (v2) info hash', { infoHash: new Uint8Array(32) }],
  ['a short info hash', { infoHash: new Uint8Array(19) }],
  ['a 21-byte peer id', { peerId: new Uint8Array(21) }],
  ['a fractional left', { left: 1.5 }],
  ['a negative downloaded', { downloaded: -1 }],
  ['an uploaded of 2^64', { uploaded: 1n << 64n }],
  ['a port above 65535', { port: 65536 }],
  ['a fractional numwant', { numwant: 2.5 }],
  ['an unknown event', { event: 'paused' as AnnounceParams['event'] }],
];

describe('announce parameter checks', () => {
  for (const url of ['http://127.0.0.1:1/announce', 'udp://127.0.0.1:1/announce']) {
    for (const [what, over] of bad) {
      it(`refuses ${what} for ${url.slice(0, 4)} without sending`, async () => {
        const { client, sent, fetched } = recordingClient();
        const err = await client.announce(url, { ...good, ...over }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TrackerError);
        expect(err).toMatchObject({ code: 'TRACKER_BAD_PARAM' });
        expect(sent.length + fetched.length).toBe(0);
        await client.close();
      });
    }

    it(`refuses scrapes of hashes that are not 20 bytes for ${url.slice(0, 4)}`, async () => {
      const { client, sent, fetched } = recordingClient();
      const err = await client.scrape(url, [new Uint8Array(32), new Uint8Array(32)]).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TRACKER_BAD_PARAM' });
      expect(sent.length + fetched.length).toBe(0);
      await client.close();
    });
  }

  it('rejects (does not throw) for a udp URL without a port', async () => {
    const { client } = recordingClient();
    let p: Promise<unknown> | undefined;
    expect(() => { p = client.announce('udp://tracker.example/announce', good); }).not.toThrow();
    await expect(p).rejects.toMatchObject({ code: 'TRACKER_BAD_URL' });
    let s: Promise<unknown> | undefined;
    expect(() => { s = client.scrape('udp://tracker.example/announce', [good.infoHash]); }).not.toThrow();
    await expect(s).rejects.toMatchObject({ code: 'TRACKER_BAD_URL' });
    await client.close();
  });

  it('sends bigint amounts up to 2^64 - 1 and a left of 0', async () => {
    const { client, fetched } = recordingClient();
    await client.announce('http://127.0.0.1:1/announce', { ...good, uploaded: (1n << 64n) - 1n, numwant: 0 });
    expect(fetched[0]).toContain('&uploaded=18446744073709551615&');
    expect(fetched[0]).toContain('&left=0&');
    await client.close();
  });
});

describe('announce and scrape URLs', () => {
  it('put the parameters before a fragment, keeping a passkey query', async () => {
    const { client, fetched } = recordingClient();
    await client.announce('http://127.0.0.1:1/announce?passkey=abc#frag', good);
    expect(fetched[0]).toMatch(/^http:\/\/127\.0\.0\.1:1\/announce\?passkey=abc&info_hash=[^#]*&port=6881&[^#]*$/);
    expect(new URL(fetched[0]!).searchParams.get('port')).toBe('6881');
    await client.scrape('http://127.0.0.1:1/announce?passkey=abc#frag', [good.infoHash]).catch(() => {});
    expect(fetched[1]).toMatch(/^http:\/\/127\.0\.0\.1:1\/scrape\?passkey=abc&info_hash=[^#]*$/);
    await client.close();
  });
});

describe('scrapeUrl', () => {
  it('follows BEP 48 and the /announce/<passkey> form of private trackers', () => {
    expect(scrapeUrl('http://t.example/announce', [])).toBe('http://t.example/scrape?');
    expect(scrapeUrl('http://t.example/x/announce.php?pk=1', [])).toBe('http://t.example/x/scrape.php?pk=1&');
    expect(scrapeUrl('http://t.example/announce/KEY', [])).toBe('http://t.example/scrape/KEY?');
    expect(scrapeUrl('http://t.example/announce/KEY?a=b', [])).toBe('http://t.example/scrape/KEY?a=b&');
    expect(scrapeUrl('http://t.example/a', [])).toBeNull();
    expect(scrapeUrl('http://t.example/tracker/KEY', [])).toBeNull();
    expect(scrapeUrl('http://announce/KEY', [])).toBeNull(); // "announce" is the host here
  });

  it('scrapes a private tracker of this package through its /announce/<passkey> URL', async () => {
    const server = await serveTracker({ host: '127.0.0.1', port: 0, udp: false, passkeys: ['s3cret'] });
    const client = createNodeAnnounceClient();
    try {
      const url = server.httpUrl.replace(/\/announce$/, '/announce/s3cret');
      await client.announce(url, { ...good, left: 10 });
      expect(await client.scrape(url, [good.infoHash])).toEqual([{ complete: 0, incomplete: 1, downloaded: 0 }]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
