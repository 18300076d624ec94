import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { serveTracker, type TrackerServer } from '../node.ts';
import { announceQuery, dict, id20, text } from '../test-helpers.ts';
import * as udp from '../udp/packets.ts';

for (const engine of ['node:http', 'net'] as const) describe(`serveTracker (${engine} + node:dgram)`, () => {
  let server: TrackerServer;
  beforeAll(async () => {
    server = await serveTracker({ host: '127.0.0.1', port: 0, interval: 300, headersTimeout: 400, requestTimeout: 800, httpEngine: engine });
  });
  afterAll(async () => {
    await server.close();
  });

  const q = (n: number) => announceQuery({ info_hash: id20(1, 1), peer_id: id20(2, n), port: 5000 + n, left: 10 });

  it('answers HTTP announces on 127.0.0.1', async () => {
    await fetch(`${server.httpUrl}?${q(1)}`).then((r) => r.arrayBuffer());
    const res = await fetch(`${server.httpUrl}?${q(2)}`);
    expect(res.status).toBe(200);
    const r = dict(new Uint8Array(await res.arrayBuffer()));
    expect(r['incomplete']).toBe(2);
    expect(r['peers']).toEqual(new Uint8Array([127, 0, 0, 1, 5001 >> 8, 5001 & 255]));
  });

  it('answers UDP on the same port number', async () => {
    const sock = createSocket('udp4');
    try {
      const reply = await new Promise<Uint8Array>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no UDP reply')), 3000);
        sock.on('message', (m) => { clearTimeout(timer); resolve(new Uint8Array(m)); });
        sock.send(udp.encodeConnectRequest(42), server.port, '127.0.0.1');
      });
      expect(udp.decodeResponse(reply)).toMatchObject({ action: 'connect', transactionId: 42 });
    } finally {
      sock.close();
    }
  });

  it('refuses a 1 MB query string without harming the swarm', async () => {
    const res = await fetch(`${server.httpUrl}?x=${'a'.repeat(1 << 20)}`).catch((e: unknown) => e);
    // Node answers 431 (head too large); some runtimes reset the connection instead.
    if (res instanceof Response) {
      expect(res.status).toBe(431);
      await res.arrayBuffer();
    }
    const r = dict(new Uint8Array(await (await fetch(`${server.httpUrl}?${q(3)}`)).arrayBuffer()));
    expect(r['incomplete']).toBe(3);
  });

  it('drops a client that never finishes its headers', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => s.write('GET /announce?info_hash=abc HTTP/1.1\r\nHost: x\r\n'));
      const timer = setTimeout(() => { s.destroy(); resolve(false); }, 5000);
      s.on('data', () => {});
      s.on('error', () => {});
      s.on('close', () => { clearTimeout(timer); resolve(true); });
    });
    expect(closed).toBe(true);
  });

  it('answers a failure to a bad announce and 404 elsewhere', async () => {
    const bad = await fetch(`${server.httpUrl}?info_hash=short`);
    expect(text(dict(new Uint8Array(await bad.arrayBuffer()))['failure reason'])).toMatch(/20 bytes/);
    const nf = await fetch(`http://127.0.0.1:${server.port}/nothing`);
    expect(nf.status).toBe(404);
    await nf.arrayBuffer();
  });
});

/** Send raw bytes on one TCP connection; resolve with everything received until the server closes or `ms` pass. */
function raw(port: number, data: string, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = connect(port, '127.0.0.1', () => s.write(data));
    const timer = setTimeout(() => { s.destroy(); resolve(got); }, ms);
    s.on('data', (d) => { got += d.toString('latin1'); });
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(timer); resolve(got); });
  });
}

describe("serveTracker httpEngine 'net': raw HTTP/1.1 edge cases", () => {
  let server: TrackerServer;
  beforeAll(async () => {
    server = await serveTracker({ port: 0, udp: false, httpEngine: 'net', headersTimeout: 300, keepAliveTimeout: 1000, maxHeaderSize: 2048 });
  });
  afterAll(async () => {
    await server.close();
  });
  const q = (n: number) => `/announce?${announceQuery({ info_hash: id20(3, 1), peer_id: id20(4, n), port: 4000 + n, left: 1 })}`;

  it('answers pipelined requests in order on one connection', async () => {
    const out = await raw(server.port, `GET ${q(1)} HTTP/1.1\r\nHost: x\r\n\r\nGET ${q(2)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const replies = out.split('HTTP/1.1 200 OK').length - 1;
    expect(replies).toBe(2);
    expect(out).toContain('10:incompletei2e');
    expect(out).toContain('connection: close');
  });

  it('closes HTTP/1.0 connections after the reply', async () => {
    const out = await raw(server.port, `GET ${q(3)} HTTP/1.0\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1.1 200 OK/);
    expect(out).toContain('connection: close');
  });

  it('refuses bodies, bad request lines, other versions and oversized heads', async () => {
    expect(await raw(server.port, 'POST /announce HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello')).toMatch(/^HTTP\/1.1 413/);
    expect(await raw(server.port, 'GET /announce HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n')).toMatch(/^HTTP\/1.1 413/);
    expect(await raw(server.port, 'garbage\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect(await raw(server.port, 'GET /announce HTTP/2.0\r\n\r\n')).toMatch(/^HTTP\/1.1 505/);
    expect(await raw(server.port, `GET /announce?${'a'.repeat(5000)} HTTP/1.1\r\n\r\n`)).toMatch(/^HTTP\/1.1 431/);
    expect(await raw(server.port, `GET /announce?${'a'.repeat(5000)}`)).toMatch(/^HTTP\/1.1 431/);
  });

  it('times out a slow head and closes idle keep-alive connections', async () => {
    expect(await raw(server.port, 'GET /announce?info_hash=x HTTP/1.1\r\nHost: x\r\n', 5000)).toMatch(/^HTTP\/1.1 408/);
    const out = await raw(server.port, `GET ${q(4)} HTTP/1.1\r\n\r\n`, 5000);
    expect(out).toMatch(/^HTTP\/1.1 200/); // and then the server closed the idle connection (raw resolved on close)
  });

  it('refuses options it cannot honor', async () => {
    await expect(serveTracker({ httpEngine: 'net', fallback: () => false })).rejects.toThrow(TypeError);
    await expect(serveTracker({ httpEngine: 'net', clientIp: () => '1.2.3.4' })).rejects.toThrow(TypeError);
  });

  it('serves several requests on one keep-alive connection and honors HTTP/1.0 keep-alive', async () => {
    const out = await raw(server.port, `GET ${q(5)} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`, 1500);
    expect(out).toContain('connection: keep-alive');
    const three = await raw(server.port, `GET ${q(6)} HTTP/1.1\r\n\r\nGET /nothing HTTP/1.1\r\n\r\nHEAD ${q(7)} HTTP/1.1\r\nConnection: close\r\n\r\n`);
    expect(three.split('HTTP/1.1 ').length - 1).toBe(3);
    expect(three).toContain('HTTP/1.1 404');
  });

  it('drops a connection that sends nothing', async () => {
    expect(await raw(server.port, '', 5000)).toMatch(/^HTTP\/1.1 408/);
  });

  it('stops answering a client that pipelines requests but never reads the replies', async () => {
    const lean = await serveTracker({ port: 0, udp: false, httpEngine: 'net' });
    let serverSide: import('node:net').Socket | undefined;
    lean.http.on('connection', (s: import('node:net').Socket) => { serverSide = s; });
    const c = connect(lean.port, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => c.once('connect', () => resolve()));
      c.pause(); // never read
      // Tiny requests with ~6x larger 404 replies, paced so the pipelining cap is not what stops them:
      // 400 x 4 KB of requests ask for ~10 MB of replies, more than the socket buffers on the way hold.
      const batch = 'GET /x HTTP/1.1\r\n\r\n'.repeat(195);
      for (let i = 0; i < 400; i++) {
        c.write(batch);
        await new Promise((r) => setTimeout(r, 1));
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(serverSide).toBeDefined();
      expect(serverSide!.destroyed).toBe(false);
      expect(serverSide!.writableLength).toBeLessThan(256 * 1024);
    } finally {
      c.destroy();
      await lean.close();
    }
  });

  it('bounds pipelined data queued behind a request', async () => {
    const many = `GET ${q(8)} HTTP/1.1\r\n\r\n`.repeat(200);
    const out = await raw(server.port, many);
    expect(out).toMatch(/431/);
  });
});

describe('serveTracker engine choice', () => {
  it("uses the net engine by default and node:http when node:http-only hooks are given", async () => {
    const lean = await serveTracker({ port: 0, udp: false });
    const node = await serveTracker({ port: 0, udp: false, clientIp: (req) => req.socket.remoteAddress });
    try {
      expect('closeAllConnections' in lean.http).toBe(false);
      expect('closeAllConnections' in node.http).toBe(true);
    } finally {
      await lean.close();
      await node.close();
    }
  });
});

for (const engine of ['node:http', 'net'] as const) describe(`serveTracker fetchFallback and trustedProxies (${engine})`, () => {
  let server: TrackerServer;
  let seen: { url: string; method: string; ip: string; ua: string | null }[] = [];
  beforeAll(async () => {
    server = await serveTracker({
      port: 0, udp: false, httpEngine: engine, trustedProxies: ['127.0.0.1'],
      fetchFallback: (request, ip) => {
        seen.push({ url: request.url, method: request.method, ip, ua: request.headers.get('user-agent') });
        if (new URL(request.url).pathname === '/stats') {
          return new Response('<h1>stats</h1>', { headers: { 'content-type': 'text/html; charset=utf-8', 'x-page': 'stats' } });
        }
        return new Response('nope\n', { status: 404, headers: { 'content-type': 'text/plain' } });
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers other paths through the fetch-style fallback, with the client address and headers', async () => {
    seen = [];
    const res = await fetch(`http://127.0.0.1:${server.port}/stats?x=1`, { headers: { 'user-agent': 'probe/1', 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-page')).toBe('stats');
    expect(await res.text()).toBe('<h1>stats</h1>');
    expect(seen).toEqual([{ url: `http://127.0.0.1:${server.port}/stats?x=1`, method: 'GET', ip: '203.0.113.9', ua: 'probe/1' }]);
    const nf = await fetch(`http://127.0.0.1:${server.port}/elsewhere`);
    expect(nf.status).toBe(404);
    expect(await nf.text()).toBe('nope\n');
  });

  it('never hands announces to the fallback and believes X-Forwarded-For from a trusted proxy', async () => {
    seen = [];
    const ih = id20(9, engine.length);
    const first = announceQuery({ info_hash: ih, peer_id: id20(8, 1), port: 6101, left: 1 });
    await (await fetch(`${server.httpUrl}?${first}`, { headers: { 'x-forwarded-for': '198.51.100.7, 127.0.0.1' } })).arrayBuffer();
    const r = dict(new Uint8Array(await (await fetch(`${server.httpUrl}?${announceQuery({ info_hash: ih, peer_id: id20(8, 2), port: 6102, left: 1 })}`)).arrayBuffer()));
    expect(r['peers']).toEqual(new Uint8Array([198, 51, 100, 7, 6101 >> 8, 6101 & 255]));
    expect(seen).toEqual([]);
  });
});

describe('serveTracker without trusted proxies', () => {
  it('ignores X-Forwarded-For (net engine)', async () => {
    const server = await serveTracker({ port: 0, udp: false });
    try {
      const ih = id20(10, 1);
      await (await fetch(`${server.httpUrl}?${announceQuery({ info_hash: ih, peer_id: id20(11, 1), port: 6201, left: 1 })}`, { headers: { 'x-forwarded-for': '198.51.100.7' } })).arrayBuffer();
      const r = dict(new Uint8Array(await (await fetch(`${server.httpUrl}?${announceQuery({ info_hash: ih, peer_id: id20(11, 2), port: 6202, left: 1 })}`)).arrayBuffer()));
      expect(r['peers']).toEqual(new Uint8Array([127, 0, 0, 1, 6201 >> 8, 6201 & 255]));
    } finally {
      await server.close();
    }
  });
});
