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
  });
});
