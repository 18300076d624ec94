// The node:dgram transport of the announce client: replies carry their sender's port, names are
// resolved to the socket of their family, and failures reject the send instead of vanishing.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createDgramTransport } from '../node.ts';
import { UdpTrackerClient } from '../client/udp-client.ts';
import { id20 } from '../test-helpers.ts';
import { decodeRequest, encodeConnectResponse } from '../udp/packets.ts';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** A UDP socket on `address` that answers every datagram with its first byte plus one. */
async function echo(type: 'udp4' | 'udp6', address: string): Promise<Socket> {
  const s = createSocket(type);
  open.push(s);
  s.on('message', (msg, rinfo) => s.send(Uint8Array.of(msg[0]! + 1), rinfo.port, rinfo.address));
  await new Promise<void>((r) => s.bind(0, address, r));
  return s;
}

describe('createDgramTransport', () => {
  it('hands each reply over with its sender address and port', async () => {
    const server = await echo('udp4', '127.0.0.1');
    const t = createDgramTransport();
    open.push(t);
    const got = new Promise<[number, string, number | undefined]>((r) => t.onMessage((p, a, port) => r([p[0]!, a, port])));
    await t.send(Uint8Array.of(41), '127.0.0.1', server.address().port);
    expect(await got).toEqual([42, '127.0.0.1', server.address().port]);
  });

  it('sends to a name on the socket of the family it resolves to (IPv6 here)', async () => {
    const server = await echo('udp6', '::1');
    const asked: string[] = [];
    const t = createDgramTransport({ lookup: async (host) => (asked.push(host), { address: '::1', family: 6 }) });
    open.push(t);
    const got = new Promise<[number, string]>((r) => t.onMessage((p, a) => r([p[0]!, a])));
    await t.send(Uint8Array.of(7), 'tracker.example', server.address().port);
    expect(await got).toEqual([8, '::1']);
    expect(asked).toEqual(['tracker.example']);
  });

  it('sends to a name by its IPv4 address by default (localhost)', async () => {
    const server = await echo('udp4', '127.0.0.1');
    const t = createDgramTransport();
    open.push(t);
    const got = new Promise<string>((r) => t.onMessage((_p, a) => r(a)));
    await t.send(Uint8Array.of(1), 'localhost', server.address().port);
    expect(await got).toBe('127.0.0.1');
  });

  it('rejects the send when the name does not resolve, and after close()', async () => {
    const t = createDgramTransport({ lookup: async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }); } });
    await expect(t.send(Uint8Array.of(1), 'nowhere.invalid', 6969)).rejects.toThrow('ENOTFOUND');
    let resolve!: (v: { address: string; family: number }) => void;
    const slow = createDgramTransport({ lookup: () => new Promise((r) => (resolve = r)) });
    const sending = slow.send(Uint8Array.of(1), 'tracker.example', 6969);
    slow.close();
    resolve({ address: '127.0.0.1', family: 4 });
    await expect(sending).rejects.toThrow('closed');
  });

  it('lets the client fail at once on a name that does not resolve, and ignore a reply from another port', async () => {
    const params = { infoHash: id20(0x66, 1), peerId: id20(0x77, 1), port: 6881, left: 0 };
    const lost = new UdpTrackerClient(createDgramTransport({ lookup: async () => { throw new Error('getaddrinfo ENOTFOUND'); } }), { baseMs: 600_000 });
    open.push(lost);
    await expect(lost.announce('udp://nowhere.invalid:6969/announce', params)).rejects.toMatchObject({ code: 'TRACKER_NETWORK' });

    // The tracker answers its connect from a second socket: not the port the client asked.
    const other = createSocket('udp4');
    open.push(other);
    await new Promise<void>((r) => other.bind(0, '127.0.0.1', r));
    const tracker = createSocket('udp4');
    open.push(tracker);
    let answered = false;
    tracker.on('message', (msg, rinfo) => {
      const req = decodeRequest(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      if (req?.action !== 'connect') return;
      other.send(encodeConnectResponse(req.transactionId, new Uint8Array(8).fill(1)), rinfo.port, rinfo.address, () => (answered = true));
    });
    await new Promise<void>((r) => tracker.bind(0, '127.0.0.1', r));
    const c = new UdpTrackerClient(createDgramTransport(), { baseMs: 50, maxRetries: 1 });
    open.push(c);
    await expect(c.announce(`udp://127.0.0.1:${tracker.address().port}/announce`, params)).rejects.toMatchObject({ code: 'TRACKER_TIMEOUT' });
    expect(answered).toBe(true);
  });
});
