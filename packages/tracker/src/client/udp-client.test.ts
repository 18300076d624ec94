// The BEP 15 client against a scripted UDP tracker on 127.0.0.1: connection ID lifetime, replies
// that must be ignored, error replies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { createDgramTransport } from '../node.ts';
import { id20 } from '../test-helpers.ts';
import { decodeRequest, encodeAnnounceResponse, encodeConnectResponse, type UdpRequest } from '../udp/packets.ts';
import { UdpTrackerClient, type UdpTransport } from './udp-client.ts';
import type { AnnounceParams } from './params.ts';

const params: AnnounceParams = { infoHash: id20(0x66, 1), peerId: id20(0x77, 1), port: 6881, left: 0 };

/** What the scripted tracker does with one request: reply bytes, or null to drop it. */
type Script = (req: UdpRequest, n: { connects: number; announces: number }) => Uint8Array | null;

describe('UDP tracker client against a scripted tracker', () => {
  let tracker: Socket;
  let url = '';
  let script: Script = () => null;
  let counts = { connects: 0, announces: 0 };

  beforeAll(async () => {
    tracker = createSocket('udp4');
    tracker.on('message', (msg, rinfo) => {
      const req = decodeRequest(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      if (!req) return;
      if (req.action === 'connect') counts.connects++;
      if (req.action === 'announce') counts.announces++;
      const reply = script(req, counts);
      if (reply) tracker.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => tracker.bind(0, '127.0.0.1', () => r()));
    url = `udp://127.0.0.1:${tracker.address().port}/announce`;
  });
  afterAll(() => {
    tracker.close();
  });
  const reset = (s: Script) => {
    script = s;
    counts = { connects: 0, announces: 0 };
  };
  /** Connection IDs 1, 2, 3... in connect order. */
  const cidOf = (n: number) => { const b = new Uint8Array(8); b[7] = n; return b; };

  it('reuses a connection ID within its lifetime', async () => {
    reset((req, n) => req.action === 'connect'
      ? encodeConnectResponse(req.transactionId, cidOf(n.connects))
      : encodeAnnounceResponse(req.transactionId, 60, 0, 1, new Uint8Array(0)));
    const c = new UdpTrackerClient(createDgramTransport(), { baseMs: 10_000 });
    await c.announce(url, params);
    await c.announce(url, params);
    c.close();
    expect(counts).toEqual({ connects: 1, announces: 2 });
  });

  it('sends one connect for announces that start together', async () => {
    reset((req, n) => req.action === 'connect'
      ? encodeConnectResponse(req.transactionId, cidOf(n.connects))
      : encodeAnnounceResponse(req.transactionId, 60, 0, 1, new Uint8Array(0)));
    const c = new UdpTrackerClient(createDgramTransport(), { baseMs: 10_000 });
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => c.announce(url, { ...params, port: 7000 + i })));
    c.close();
    expect(all.map((r) => r.interval)).toEqual(Array(10).fill(60));
    expect(counts).toEqual({ connects: 1, announces: 10 });
  });

  it('asks for a new connection ID when it expires while retransmitting (BEP 15)', async () => {
    // A tracker that no longer accepts connection ID 1 (it expired): only announces with ID 2 get an answer.
    reset((req, n) => {
      if (req.action === 'connect') return encodeConnectResponse(req.transactionId, cidOf(n.connects));
      if (req.action === 'announce' && req.connectionId[7] === 2) return encodeAnnounceResponse(req.transactionId, 60, 3, 4, new Uint8Array(0));
      return null;
    });
    const c = new UdpTrackerClient(createDgramTransport(), { baseMs: 20, maxRetries: 6, connectionIdLifetimeMs: 30 });
    const r = await c.announce(url, params).catch((e: unknown) => e);
    c.close();
    expect(r).toMatchObject({ interval: 60, incomplete: 3, complete: 4 });
    expect(counts.connects).toBeGreaterThanOrEqual(2);
  });
});

describe('UDP tracker client, replies from elsewhere', () => {
  /** A transport whose datagrams the test delivers by hand. */
  function manualTransport() {
    const sent: { req: UdpRequest; host: string; port: number }[] = [];
    let deliver: (packet: Uint8Array, from: string, fromPort?: number) => void = () => {};
    let wake: () => void = () => {};
    const transport: UdpTransport = {
      send: (packet, host, port) => { sent.push({ req: decodeRequest(packet)!, host, port }); wake(); },
      onMessage: (h) => { deliver = h; },
      close: () => {},
    };
    const nextSend = async (count: number) => { while (sent.length < count) await new Promise<void>((r) => { wake = r; }); return sent[count - 1]!; };
    return { transport, sent, nextSend, deliver: (p: Uint8Array, from: string, fromPort?: number) => deliver(p, from, fromPort) };
  }
  const cid = new Uint8Array(8).fill(9);

  it('ignores a reply with the right transaction ID from another address or port', async () => {
    const t = manualTransport();
    const c = new UdpTrackerClient(t.transport, { baseMs: 60_000 });
    const p = c.announce('udp://192.0.2.10:6969/announce', params);
    const connect = await t.nextSend(1);
    expect(connect).toMatchObject({ host: '192.0.2.10', port: 6969 });
    t.deliver(encodeConnectResponse(connect.req.transactionId, new Uint8Array(8)), '192.0.2.66', 6969); // wrong address
    t.deliver(encodeConnectResponse(connect.req.transactionId, new Uint8Array(8)), '192.0.2.10', 6970); // wrong port
    t.deliver(encodeConnectResponse(connect.req.transactionId, cid), '::ffff:192.0.2.10', 6969); // the tracker, v4-mapped
    const announce = await t.nextSend(2);
    expect(announce.req).toMatchObject({ action: 'announce', connectionId: cid });
    t.deliver(encodeAnnounceResponse(announce.req.transactionId, 1, 1, 1, new Uint8Array(0)), '198.51.100.1', 6969);
    t.deliver(encodeAnnounceResponse(announce.req.transactionId, 60, 2, 3, new Uint8Array(0)), '192.0.2.10', 6969);
    expect(await p).toMatchObject({ interval: 60, incomplete: 2, complete: 3 });
    expect(t.sent.length).toBe(2);
    c.close();
  });

  it('does not retransmit at once when base * 2^n is beyond what setTimeout takes', async () => {
    const t = manualTransport();
    const c = new UdpTrackerClient(t.transport, { baseMs: 2 ** 31 });
    const p = c.announce('udp://192.0.2.10:6969/announce', params).catch((e: unknown) => e);
    await t.nextSend(1);
    // An overflowing delay fires after 1 ms: nine sends and a timeout would follow within this wait.
    await new Promise((r) => setTimeout(r, 100));
    expect(t.sent.length).toBe(1);
    c.close();
    expect(await p).toMatchObject({ code: 'TRACKER_ABORTED' });
  });

  it('fails at once with TRACKER_NETWORK when the transport reports that a send failed', async () => {
    let sends = 0;
    const transport: UdpTransport = {
      send: () => { sends++; return Promise.reject(new Error('getaddrinfo ENOTFOUND tracker.invalid')); },
      onMessage: () => {},
      close: () => {},
    };
    const c = new UdpTrackerClient(transport, { baseMs: 60_000 });
    const err = await c.announce('udp://tracker.invalid:6969/announce', params).catch((e: unknown) => e);
    c.close();
    expect(err).toMatchObject({ code: 'TRACKER_NETWORK' });
    expect((err as Error).message).toContain('ENOTFOUND');
    expect(sends).toBe(1);
  });

  it('connects itself when the request whose connect it waited for is aborted', async () => {
    const t = manualTransport();
    const c = new UdpTrackerClient(t.transport, { baseMs: 60_000 });
    const ac = new AbortController();
    const first = c.announce('udp://192.0.2.10:6969/announce', params, ac.signal).catch((e: unknown) => e);
    const second = c.announce('udp://192.0.2.10:6969/announce', params);
    const connect1 = await t.nextSend(1);
    ac.abort();
    expect(await first).toMatchObject({ code: 'TRACKER_ABORTED' });
    const connect2 = await t.nextSend(2);
    expect(connect2.req.action).toBe('connect');
    t.deliver(encodeConnectResponse(connect1.req.transactionId, new Uint8Array(8)), '192.0.2.10', 6969); // too late: ignored
    t.deliver(encodeConnectResponse(connect2.req.transactionId, cid), '192.0.2.10', 6969);
    const announce = await t.nextSend(3);
    expect(announce.req).toMatchObject({ action: 'announce', connectionId: cid });
    t.deliver(encodeAnnounceResponse(announce.req.transactionId, 60, 0, 0, new Uint8Array(0)), '192.0.2.10', 6969);
    expect(await second).toMatchObject({ interval: 60 });
    c.close();
  });

  it('checks only the port for a tracker given by name (the transport resolves it)', async () => {
    const t = manualTransport();
    const c = new UdpTrackerClient(t.transport, { baseMs: 60_000 });
    const p = c.announce('udp://tracker.example:6969', params);
    const connect = await t.nextSend(1);
    t.deliver(encodeConnectResponse(connect.req.transactionId, new Uint8Array(8)), '203.0.113.5', 1234);
    t.deliver(encodeConnectResponse(connect.req.transactionId, cid), '203.0.113.5', 6969);
    const announce = await t.nextSend(2);
    expect(announce.req).toMatchObject({ action: 'announce', connectionId: cid });
    t.deliver(encodeAnnounceResponse(announce.req.transactionId, 60, 0, 0, new Uint8Array(0)), '203.0.113.5');
    expect(await p).toMatchObject({ interval: 60 });
    c.close();
  });
});
