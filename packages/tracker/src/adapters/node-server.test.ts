import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { serveTracker, type TrackerServer } from '../node.ts';
import { announceQuery, dict, id20, text } from '../test-helpers.ts';
import * as udp from '../udp/packets.ts';

describe('serveTracker (node:http + node:dgram)', () => {
  let server: TrackerServer;
  beforeAll(async () => {
    server = await serveTracker({ host: '127.0.0.1', port: 0, interval: 300, headersTimeout: 400, requestTimeout: 800 });
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
    if (res instanceof Response) expect(res.status).toBe(431);
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
