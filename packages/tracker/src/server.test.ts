import { describe, expect, it } from 'vitest';
import { createTracker, type TrackerOptions } from './server.ts';
import { announceQuery, dict, id20, text } from './test-helpers.ts';
import { percentEncode } from './http/query.ts';
import * as udp from './udp/packets.ts';

const H = id20(0xaa, 1);

function setup(o: TrackerOptions = {}) {
  let clock = 1_700_000_000_000;
  const t = createTracker({ interval: 600, now: () => clock, ...o });
  const get = async (target: string, ip = '127.0.0.1') => {
    const res = await t.handleHttp(new Request(`http://tracker.test${target}`), ip);
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
  };
  const announce = async (n: number, extra: Record<string, string | number | Uint8Array | undefined> = {}, ip = `127.0.0.${n}`, path = '/announce') => {
    const q = announceQuery({ info_hash: H, peer_id: id20(0xbb, n), port: 6000 + n, uploaded: 0, downloaded: 0, left: 100, compact: 1, ...extra });
    return dict((await get(`${path}?${q}`, ip)).body);
  };
  return { t, get, announce, tick: (ms: number) => { clock += ms; }, now: () => clock };
}

describe('HTTP announce', () => {
  it('answers with interval, counts and compact peers, never the announcer', async () => {
    const { announce } = setup();
    await announce(1, { event: 'started' });
    const r = await announce(2, { event: 'started' });
    expect(r['interval']).toBe(600);
    expect(r['min interval']).toBe(300);
    expect(r['incomplete']).toBe(2);
    expect(r['complete']).toBe(0);
    expect(r['peers']).toEqual(new Uint8Array([127, 0, 0, 1, 6001 >> 8, 6001 & 255]));
    expect(r['peers6']).toBeUndefined();
  });

  it('decodes binary info hashes byte for byte (every byte value)', async () => {
    const { t, get } = setup();
    const h = new Uint8Array(20).map((_, i) => (i * 13 + 0x80) & 255);
    h[0] = 0x00; h[1] = 0x25; h[2] = 0x2b; h[3] = 0x26; h[4] = 0x3d; // NUL % + & =
    const q = announceQuery({ info_hash: h, peer_id: id20(0xbb, 1), port: 1, left: 0 });
    expect(dict((await get(`/announce?${q}`)).body)['complete']).toBe(1);
    expect(await t.store.scrape([h], 0)).toEqual([{ complete: 1, incomplete: 0, downloaded: 0 }]);
  });

  it('lists IPv6 peers in peers6 and maps IPv4-mapped clients to IPv4', async () => {
    const { announce } = setup();
    await announce(1, {}, '2001:db8::1');
    await announce(2, {}, '::ffff:10.0.0.2');
    const r = await announce(3);
    expect((r['peers6'] as Uint8Array).length).toBe(18);
    expect((r['peers'] as Uint8Array).subarray(0, 4)).toEqual(new Uint8Array([10, 0, 0, 2]));
  });

  it('gives non-compact replies as dicts, with and without peer ids', async () => {
    const { announce } = setup();
    await announce(1, {}, '::1');
    await announce(2);
    const r = await announce(3, { compact: 0 });
    const peers = r['peers'] as Record<string, unknown>[];
    expect(peers.map((p) => text(p['ip'])).sort()).toEqual(['127.0.0.2', '::1']);
    const p2 = peers.find((p) => text(p['ip']) === '127.0.0.2')!;
    expect(p2['peer id']).toEqual(id20(0xbb, 2));
    expect(p2['port']).toBe(6002);
    const r2 = await announce(3, { compact: 0, no_peer_id: 1 });
    expect((r2['peers'] as Record<string, unknown>[])[0]!['peer id']).toBeUndefined();
  });

  it('does not send seeders to seeders and counts completed in scrape', async () => {
    const { announce, get } = setup();
    await announce(1, { left: 0 });
    await announce(2, { event: 'started' });
    const s = await announce(3, { left: 0 });
    expect(s['peers']).toEqual(new Uint8Array([127, 0, 0, 2, 6002 >> 8, 6002 & 255]));
    await announce(2, { left: 0, event: 'completed' });
    const sc = dict((await get(`/scrape?info_hash=${percentEncode(H)}&info_hash=${percentEncode(id20(0xcc, 9))}`)).body);
    const files = sc['files'] as Record<string, Record<string, number>>;
    const key = String.fromCharCode(...H).replace(/[\x80-\xff]/g, (c) => String.fromCharCode(0xdc00 + c.charCodeAt(0)));
    expect(files[key]).toEqual({ complete: 3, incomplete: 0, downloaded: 1 });
    expect(Object.keys(files).length).toBe(2);
  });

  it('removes a peer on stopped and expires silent peers', async () => {
    const { t, announce, tick } = setup();
    await announce(1);
    await announce(2);
    await announce(1, { event: 'stopped' });
    expect((await t.store.stats()).leechers).toBe(1);
    tick(600_000 * 2);
    await t.expire();
    expect(await t.store.stats()).toEqual({ swarms: 0, seeders: 0, leechers: 0 });
  });

  it('caps numwant and uses 50 by default', async () => {
    const { announce } = setup({ numwantMax: 60 });
    for (let n = 1; n <= 80; n++) await announce(n);
    expect((((await announce(1)) as Record<string, Uint8Array>)['peers']!).length).toBe(50 * 6);
    expect((((await announce(1, { numwant: 1000000000 })) as Record<string, Uint8Array>)['peers']!).length).toBe(60 * 6);
    expect((((await announce(1, { numwant: -1 })) as Record<string, Uint8Array>)['peers']!).length).toBe(50 * 6);
    expect((((await announce(1, { numwant: 3 })) as Record<string, Uint8Array>)['peers']!).length).toBe(3 * 6);
  });

  it('honors ip= only when trusted', async () => {
    for (const trust of [false, true]) {
      const { announce } = setup({ trustIpParam: trust });
      await announce(1, { ip: '10.9.8.7' });
      const r = await announce(2);
      expect((r['peers'] as Uint8Array).subarray(0, 4)).toEqual(trust ? new Uint8Array([10, 9, 8, 7]) : new Uint8Array([127, 0, 0, 1]));
    }
  });

  it('echoes trackerid and sends the warning message', async () => {
    const { announce } = setup({ warning: 'be nice' });
    const r = await announce(1, { trackerid: 'abc' });
    expect(text(r['tracker id'])).toBe('abc');
    expect(text(r['warning message'])).toBe('be nice');
  });
});

describe('HTTP bad input: each gets a failure reason and harms nothing', () => {
  const good = () => ({ info_hash: H, peer_id: id20(0xbb, 50), port: 7000, left: 1 } as Record<string, string | number | Uint8Array | undefined>);
  const cases: [string, (q: Record<string, string | number | Uint8Array | undefined>) => void, RegExp][] = [
    ['missing info_hash', (q) => { q['info_hash'] = undefined; }, /info_hash/],
    ['info_hash of 19 bytes', (q) => { q['info_hash'] = new Uint8Array(19); }, /20 bytes/],
    ['info_hash of 21 bytes', (q) => { q['info_hash'] = new Uint8Array(21); }, /20 bytes/],
    ['missing peer_id', (q) => { q['peer_id'] = undefined; }, /peer_id/],
    ['short peer_id', (q) => { q['peer_id'] = 'abc'; }, /peer_id/],
    ['missing port', (q) => { q['port'] = undefined; }, /port/],
    ['port 0', (q) => { q['port'] = 0; }, /port/],
    ['port 70000', (q) => { q['port'] = 70000; }, /port/],
    ['port -1', (q) => { q['port'] = '-1'; }, /port/],
    ['port abc', (q) => { q['port'] = 'abc'; }, /port/],
    ['numwant=1e9', (q) => { q['numwant'] = '1e9'; }, /numwant/],
    ['left=-5', (q) => { q['left'] = '-5'; }, /left/],
    ['uploaded=1.5', (q) => { q['uploaded'] = '1.5'; }, /uploaded/],
    ['unknown event', (q) => { q['event'] = 'exploded'; }, /event/],
    ['key of 100 bytes', (q) => { q['key'] = 'k'.repeat(100); }, /key/],
  ];
  for (const [name, mutate, reason] of cases) {
    it(name, async () => {
      const { t, get, announce } = setup();
      await announce(1);
      const q = good();
      mutate(q);
      const res = await get(`/announce?${announceQuery(q)}`);
      expect(res.status).toBe(200);
      expect(text(dict(res.body)['failure reason'])).toMatch(reason);
      expect(await t.store.stats()).toEqual({ swarms: 1, seeders: 0, leechers: 1 });
    });
  }

  it('broken percent-escapes', async () => {
    const { get } = setup();
    for (const q of ['info_hash=%zz', 'info_hash=%4', 'peer_id=%']) {
      expect(text(dict((await get(`/announce?${q}`)).body)['failure reason'])).toMatch(/percent/);
    }
  });

  it('a 1 MB query string', async () => {
    const { t, get, announce } = setup();
    await announce(1);
    const res = await get(`/announce?x=${'a'.repeat(1 << 20)}`);
    expect(text(dict(res.body)['failure reason'])).toMatch(/too large/);
    expect((await t.store.stats()).leechers).toBe(1);
  });

  it('thousands of parameters', async () => {
    const { get } = setup();
    const res = await get(`/announce?${'a=1&'.repeat(2000)}`);
    expect(text(dict(res.body)['failure reason'])).toMatch(/too/);
  });

  it('scrape without info_hash, with a bad one, with too many', async () => {
    const { get } = setup();
    expect(text(dict((await get('/scrape')).body)['failure reason'])).toMatch(/full scrape/);
    expect(text(dict((await get('/scrape?info_hash=abc')).body)['failure reason'])).toMatch(/20 bytes/);
    const many = Array.from({ length: 65 }, (_, i) => `info_hash=${percentEncode(id20(1, i))}`).join('&');
    expect(text(dict((await get(`/scrape?${many}`)).body)['failure reason'])).toMatch(/at most 64/);
  });

  it('unknown paths are 404 and POST is refused', async () => {
    const { t, get } = setup();
    expect((await get('/nope')).status).toBe(404);
    const res = await t.handleHttp(new Request('http://x/announce', { method: 'POST', body: 'x' }), '127.0.0.1');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    const scrape = await t.handleHttpTarget('DELETE', '/scrape', '127.0.0.1');
    expect([scrape.status, scrape.headers]).toEqual([405, [['allow', 'GET, HEAD'], ['cache-control', 'no-store']]]);
  });

  it('HEAD /announce is refused and changes no swarm; HEAD /scrape answers', async () => {
    const { t } = setup();
    const q = announceQuery({ info_hash: H, peer_id: id20(0xbb, 1), port: 6001, left: 100, compact: 1, event: 'started' });
    const head = await t.handleHttp(new Request(`http://x/announce?${q}`, { method: 'HEAD' }), '127.0.0.1');
    expect([head.status, head.headers.get('allow')]).toEqual([405, 'GET']);
    expect(await t.store.stats()).toEqual({ swarms: 0, seeders: 0, leechers: 0 });
    const scrape = await t.handleHttp(new Request(`http://x/scrape?info_hash=${percentEncode(H)}`, { method: 'HEAD' }), '127.0.0.1');
    expect(scrape.status).toBe(200);
  });

  it('a store error that is not a TRACKER_ refusal stays internal: generic reason, reported to onError', async () => {
    const { TrackerError } = await import('./errors.ts');
    const errors: unknown[] = [];
    let thrown: Error = new TrackerError('REDIS_CONNECTION', 'cannot connect to Redis at 127.0.0.1:16390');
    const { t, announce } = setup({
      onError: (e) => errors.push(e),
      store: {
        announce: () => Promise.reject(thrown),
        scrape: () => Promise.reject(thrown), expire: () => Promise.resolve(0),
        stats: () => Promise.resolve({ swarms: 0, seeders: 0, leechers: 0 }), close: () => Promise.resolve(),
      },
    });
    expect(text((await announce(1))['failure reason'])).toBe('internal tracker error');
    expect(errors).toEqual([thrown]);
    // Over UDP too.
    const remote = { address: '127.0.0.1', port: 7000 };
    const conn = udp.decodeResponse((await t.handleUdp(udp.encodeConnectRequest(1), remote))!) as { connectionId: Uint8Array };
    const req = udp.encodeAnnounceRequest({
      connectionId: conn.connectionId, transactionId: 2, infoHash: H, peerId: id20(0xbb, 2), downloaded: 0n, left: 100n, uploaded: 0n,
      event: 'started', ip: 0, key: 0, numWant: 10, port: 6002,
    });
    expect(udp.decodeResponse((await t.handleUdp(req, remote))!)).toMatchObject({ action: 'error', message: 'internal tracker error' });
    expect(errors).toEqual([thrown, thrown]);
    // A refusal meant for the client still reaches it.
    thrown = new TrackerError('TRACKER_SWARM_FULL', 'torrent has too many peers');
    expect(text((await announce(3))['failure reason'])).toBe('torrent has too many peers');
    expect(errors).toHaveLength(2);
  });

  it('an unparsable client address', async () => {
    const { announce } = setup();
    expect(text((await announce(1, {}, 'not-an-ip'))['failure reason'])).toMatch(/address/);
  });

  it('a store failure becomes a generic failure and is reported', async () => {
    const errors: unknown[] = [];
    const { announce } = setup({
      onError: (e) => errors.push(e),
      store: {
        announce: () => Promise.reject(new Error('redis down')),
        scrape: () => Promise.resolve([]), expire: () => Promise.resolve(0),
        stats: () => Promise.resolve({ swarms: 0, seeders: 0, leechers: 0 }), close: () => Promise.resolve(),
      },
    });
    expect(text((await announce(1))['failure reason'])).toBe('internal tracker error');
    expect(errors.length).toBe(1);
  });
});

describe('policies', () => {
  it('allow list admits only listed info hashes (hex or bytes)', async () => {
    const hex = Array.from(H, (b) => b.toString(16).padStart(2, '0')).join('');
    const { announce } = setup({ allowList: [hex] });
    expect((await announce(1))['failure reason']).toBeUndefined();
    expect(text((await announce(1, { info_hash: id20(0xcc, 1) }))['failure reason'])).toMatch(/not allowed/);
  });

  it('deny list refuses listed info hashes', async () => {
    const { announce } = setup({ denyList: [H] });
    expect(text((await announce(1))['failure reason'])).toMatch(/not allowed/);
    expect((await announce(1, { info_hash: id20(0xcc, 1) }))['failure reason']).toBeUndefined();
  });

  it('private mode needs a known passkey in the path', async () => {
    const { announce } = setup({ passkeys: ['s3cret'] });
    expect(text((await announce(1))['failure reason'])).toMatch(/passkey/);
    expect(text((await announce(1, {}, '127.0.0.1', '/announce/wrong'))['failure reason'])).toMatch(/passkey/);
    expect((await announce(1, {}, '127.0.0.1', '/announce/s3cret'))['incomplete']).toBe(1);
  });

  it('rate limits per IP without affecting other IPs', async () => {
    const { announce, tick } = setup({ rateLimit: { perSecond: 1, burst: 3 } });
    for (let i = 0; i < 3; i++) expect((await announce(1))['failure reason']).toBeUndefined();
    expect(text((await announce(1))['failure reason'])).toMatch(/rate/);
    expect((await announce(2))['failure reason']).toBeUndefined();
    tick(1000);
    expect((await announce(1))['failure reason']).toBeUndefined();
  });

  it('a rate under 0.5 per second still lets one request through per period; a burst under 1 is refused', async () => {
    const { announce, tick } = setup({ rateLimit: { perSecond: 0.1 } });
    expect((await announce(1))['failure reason']).toBeUndefined();
    expect(text((await announce(1))['failure reason'])).toMatch(/rate/);
    tick(10_000);
    expect((await announce(1))['failure reason']).toBeUndefined();
    expect(() => createTracker({ rateLimit: { perSecond: 1, burst: 0.5 } })).toThrow(RangeError);
  });

  it('rate limits an IPv6 client per /64, however it rotates its interface id', async () => {
    const { announce } = setup({ rateLimit: { perSecond: 1, burst: 3 } });
    const limited = async (n: number, ip: string) => (await announce(n, {}, ip))['failure reason'] !== undefined;
    const results: boolean[] = [];
    for (let i = 1; i <= 10; i++) results.push(await limited(i, `2001:db8:1:2::${i.toString(16)}`));
    expect(results).toEqual([false, false, false, true, true, true, true, true, true, true]);
    expect(await limited(11, '2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(true);
    expect(await limited(12, '2001:db8:1:3::1')).toBe(false); // the next /64 is another client
  });

  it('counts an IPv4-mapped IPv6 client as its IPv4 address, and takes a configurable IPv6 prefix', async () => {
    const { announce } = setup({ rateLimit: { perSecond: 1, burst: 2 } });
    expect((await announce(1, {}, '192.0.2.7'))['failure reason']).toBeUndefined();
    expect((await announce(2, {}, '::ffff:192.0.2.7'))['failure reason']).toBeUndefined();
    expect(text((await announce(3, {}, '::ffff:c000:207'))['failure reason'])).toMatch(/rate/);
    const wide = setup({ rateLimit: { perSecond: 1, burst: 2, ipv6PrefixLength: 48 } });
    expect((await wide.announce(1, {}, '2001:db8:1:1::1'))['failure reason']).toBeUndefined();
    expect((await wide.announce(2, {}, '2001:db8:1:2::1'))['failure reason']).toBeUndefined();
    expect(text((await wide.announce(3, {}, '2001:db8:1:ff00::1'))['failure reason'])).toMatch(/rate/);
    expect((await wide.announce(4, {}, '2001:db8:2::1'))['failure reason']).toBeUndefined();
    expect(() => createTracker({ rateLimit: { perSecond: 1, ipv6PrefixLength: 0 } })).toThrow(RangeError);
  });
});

describe('UDP (BEP 15)', () => {
  const remote = { address: '127.0.0.1', port: 40000 };
  async function connect(t: ReturnType<typeof setup>['t'], from = remote) {
    const r = udp.decodeResponse((await t.handleUdp(udp.encodeConnectRequest(7), from))!);
    expect(r).toMatchObject({ action: 'connect', transactionId: 7 });
    return (r as { connectionId: Uint8Array }).connectionId;
  }
  const ann = (cid: Uint8Array, n: number, over: Partial<udp.UdpAnnounceRequest> = {}) => udp.encodeAnnounceRequest({
    connectionId: cid, transactionId: 100 + n, infoHash: H, peerId: id20(0xbb, n), downloaded: 0n, left: 5n, uploaded: 0n,
    event: 'started', ip: 0, key: 1, numWant: -1, port: 6000 + n, ...over,
  });

  it('connects, announces and scrapes', async () => {
    const { t } = setup();
    const cid = await connect(t);
    const from2 = { address: '127.0.0.2', port: 40000 };
    const cid2 = await connect(t, from2);
    await t.handleUdp(ann(cid2, 2), from2);
    const r = udp.decodeResponse((await t.handleUdp(ann(cid, 1), remote))!);
    expect(r).toMatchObject({ action: 'announce', transactionId: 101, interval: 600, leechers: 2, seeders: 0 });
    expect((r as { peers: Uint8Array }).peers).toEqual(new Uint8Array([127, 0, 0, 2, 6002 >> 8, 6002 & 255]));
    const s = udp.decodeResponse((await t.handleUdp(udp.encodeScrapeRequest(cid, 5, [H, id20(9, 9)]), remote))!);
    expect(s).toEqual({ action: 'scrape', transactionId: 5, rows: [{ complete: 0, downloaded: 0, incomplete: 2 }, { complete: 0, downloaded: 0, incomplete: 0 }] });
  });

  it('replies to IPv6 clients with 18-byte peers', async () => {
    const { t } = setup();
    const a = { address: '::1', port: 1 };
    const b = { address: '2001:db8::2', port: 2 };
    await t.handleUdp(ann(await connect(t, b), 2), b);
    const r = udp.decodeResponse((await t.handleUdp(ann(await connect(t, a), 1), a))!) as { peers: Uint8Array };
    expect(r.peers.length).toBe(18);
    expect(r.peers[15]).toBe(2);
  });

  it('rate limits UDP from one IPv6 /64 as one client', async () => {
    const { t } = setup({ rateLimit: { perSecond: 1, burst: 2 } });
    const answered: boolean[] = [];
    for (let i = 1; i <= 5; i++) answered.push((await t.handleUdp(udp.encodeConnectRequest(i), { address: `2001:db8:0:7::${i}`, port: 1 })) !== null);
    expect(answered).toEqual([true, true, false, false, false]);
    expect(t.counters.dropped).toBe(3);
  });

  it('tolerates BEP 41 URL data and uses it for passkeys', async () => {
    const { t } = setup({ passkeys: ['pk1'] });
    const cid = await connect(t);
    const ok = udp.decodeResponse((await t.handleUdp(ann(cid, 1, { urlData: '/announce/pk1?x=1' }), remote))!);
    expect(ok).toMatchObject({ action: 'announce', leechers: 1 });
    const bad = udp.decodeResponse((await t.handleUdp(ann(cid, 2, { urlData: '/announce/nope' }), remote))!);
    expect(bad).toMatchObject({ action: 'error', message: 'unknown passkey' });
  });

  it('connection ids are bound to the address and expire after two minutes', async () => {
    const { t, tick } = setup();
    const cid = await connect(t);
    const other = udp.decodeResponse((await t.handleUdp(ann(cid, 1), { address: '127.0.0.9', port: 40000 }))!);
    expect(other).toMatchObject({ action: 'error', message: 'bad or expired connection id' });
    const otherPort = udp.decodeResponse((await t.handleUdp(ann(cid, 1), { address: '127.0.0.1', port: 40001 }))!);
    expect(otherPort).toMatchObject({ action: 'error' });
    tick(60_000);
    expect(udp.decodeResponse((await t.handleUdp(ann(cid, 1), remote))!)).toMatchObject({ action: 'announce' });
    tick(61_000);
    expect(udp.decodeResponse((await t.handleUdp(ann(cid, 1), remote))!)).toMatchObject({ action: 'error' });
    const zero = udp.decodeResponse((await t.handleUdp(ann(new Uint8Array(8), 1), remote))!);
    expect(zero).toMatchObject({ action: 'error' });
  });

  it('drops garbage and truncated packets, refuses port 0, keeps state', async () => {
    const { t } = setup();
    const cid = await connect(t);
    await t.handleUdp(ann(cid, 1), remote);
    const full = ann(cid, 2);
    const drops = [
      new Uint8Array(0), new Uint8Array(15), new Uint8Array(16), full.subarray(0, 97), full.subarray(0, 20),
      udp.encodeConnectRequest(1).map((b, i) => (i === 0 ? b ^ 1 : b)), // wrong protocol id
      udp.encodeScrapeRequest(cid, 1, []), udp.encodeScrapeRequest(cid, 1, [H]).subarray(0, 30),
      udp.encodeScrapeRequest(cid, 1, Array.from({ length: 75 }, () => H)),
      (() => { const b = ann(cid, 3); b[83] = 9; return b; })(), // event 9
      (() => { const b = new Uint8Array(100); b.set(ann(cid, 3)); b[98] = 2; b[99] = 50; return b; })(), // option overruns
      (() => { const b = new Uint8Array(16); b[11] = 7; return b; })(), // action 7
    ];
    for (const p of drops) expect(await t.handleUdp(p, remote)).toBeNull();
    expect(udp.decodeResponse((await t.handleUdp(ann(cid, 4, { port: 0 }), remote))!)).toMatchObject({ action: 'error', message: 'invalid port' });
    expect(await t.handleUdp(udp.encodeConnectRequest(1), { address: 'garbage', port: 1 })).toBeNull();
    expect(await t.store.stats()).toEqual({ swarms: 1, seeders: 0, leechers: 1 });
  });

  it('caps numWant', async () => {
    const { t } = setup({ numwantMax: 5 });
    const cid = await connect(t);
    for (let n = 1; n <= 10; n++) await t.handleUdp(ann(cid, n, { numWant: 0x7fffffff }), remote);
    const r = udp.decodeResponse((await t.handleUdp(ann(cid, 11, { numWant: 0x7fffffff }), remote))!) as { peers: Uint8Array };
    expect(r.peers.length).toBe(5 * 6);
  });
});
