// Loopback only (127.0.0.1, ephemeral ports), on Node, Deno and Bun alike.
import { afterEach, describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeHandshake } from './handshake.ts';
import { PeerSession, type SessionEvent } from './session.ts';
import { connect, listen, runSession, type TcpConnection } from './tcp.ts';
import { equalBytes, pattern, tcpScope, waitFor } from './test-helpers.ts';

const infoHash = pattern(20, 3);
const tcp = tcpScope();
afterEach(() => tcp.close());

describe('TCP transport', () => {
  it('connects, carries bytes both ways and closes', async () => {
    const received: number[] = [];
    let server: TcpConnection | undefined;
    const listener = await tcp.listen({ port: 0 }, (c) => {
      server = c;
      c.onData((chunk) => {
        expect(chunk.constructor).toBe(Uint8Array);
        c.write(chunk); // echo
      });
    });
    expect(listener.port).toBeGreaterThan(0);
    const client = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    client.onData((chunk) => received.push(...chunk));
    client.write(Uint8Array.of(1, 2));
    client.write(Uint8Array.of(3));
    await waitFor(() => received.length === 3);
    expect(received).toEqual([1, 2, 3]);
    client.close();
    await client.closed;
    await server!.closed;
    expect(client.isClosed).toBe(true);
  });

  it('keeps bytes that arrive before a data handler is set', async () => {
    const listener = await tcp.listen({ port: 0 }, (c) => {
      c.write(Uint8Array.of(7, 8, 9));
    });
    const client = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    await new Promise((r) => setTimeout(r, 50));
    const got: number[] = [];
    client.onData((chunk) => got.push(...chunk));
    await waitFor(() => got.length === 3);
    expect(got).toEqual([7, 8, 9]);
  });

  it('rejects a connection to a port nobody listens on', async () => {
    const l = await listen({ port: 0 }, () => {});
    const port = l.port;
    await l.close();
    await expect(connect({ host: '127.0.0.1', port, timeout: 5000 })).rejects.toBeTruthy();
  });

  it('reports backpressure and drains', async () => {
    let server: TcpConnection | undefined;
    const listener = await tcp.listen({ port: 0 }, (c) => {
      server = c;
      c.pause();
    });
    const client = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    await waitFor(() => server !== undefined);
    const chunk = new Uint8Array(1 << 20);
    let writes = 0;
    while (client.write(chunk) && writes < 256) writes++;
    expect(client.needsDrain).toBe(true);
    let total = 0;
    server!.onData((c) => (total += c.length));
    const drained = new Promise<void>((resolve) => client.onDrain(resolve));
    server!.resume();
    await drained;
    await waitFor(() => total > 0);
  });

  for (const readBufferSize of [undefined, 70_000, 0]) it(`runs two PeerSessions over loopback: every block arrives intact (readBufferSize ${readBufferSize})`, async () => {
    const torrent = { pieceCount: 64, pieceLength: 65536, totalLength: 64 * 65536 - 5000 };
    const data = pattern(torrent.totalLength, 11);
    const block = 16384;
    let seedDone: Promise<void> | undefined;
    const listener = await tcp.listen({ port: 0 }, (c) => {
      const seeder: PeerSession = new PeerSession({
        infoHash, peerId: pattern(20, 2), torrent, pieces: Bitfield.full(64),
        onSend: (d) => c.write(d),
        onEvent: (e) => {
          if (e.type === 'interested') seeder.unchoke();
          if (e.type === 'request') {
            const off = e.index * torrent.pieceLength + e.begin;
            seeder.sendPiece(e.index, e.begin, data.subarray(off, off + e.length));
          }
        },
      });
      seedDone = runSession(c, seeder);
    });
    const conn = await tcp.connect({ host: '127.0.0.1', port: listener.port, readBufferSize });
    const got = new Uint8Array(torrent.totalLength);
    const views: [number, Uint8Array][] = [];
    let bytes = 0;
    const events: string[] = [];
    const leecher: PeerSession = new PeerSession({
      infoHash, peerId: pattern(20, 1), torrent, pieces: new Bitfield(64),
      onSend: (d) => conn.write(d),
      onEvent: (e: SessionEvent) => {
        events.push(e.type);
        if (e.type === 'bitfield') {
          leecher.interested();
          for (let i = 0; i < torrent.pieceCount; i++) {
            const size = Math.min(torrent.pieceLength, torrent.totalLength - i * torrent.pieceLength);
            for (let b = 0; b < size; b += block) leecher.request(i, b, Math.min(block, size - b));
          }
        }
        if (e.type === 'block') {
          // Keep the views, not copies: they must stay intact after later reads (no buffer reuse).
          views.push([e.index * torrent.pieceLength + e.begin, e.block]);
          bytes += e.block.length;
          if (bytes === torrent.totalLength) leecher.close();
        }
      },
    });
    const done = runSession(conn, leecher);
    await done;
    await seedDone;
    expect(bytes).toBe(torrent.totalLength);
    for (const [at, view] of views) got.set(view, at);
    expect(equalBytes(got, data)).toBe(true);
    expect(events.slice(0, 3)).toEqual(['handshake', 'bitfield', 'extended-handshake']);
  });

  it('drops a peer that sends garbage without disturbing another connection', async () => {
    const torrent = { pieceCount: 2, pieceLength: 32768, totalLength: 65536 };
    const data = pattern(65536, 5);
    const closedErrors: (string | undefined)[] = [];
    const listener = await tcp.listen({ port: 0 }, (c) => {
      const seeder: PeerSession = new PeerSession({
        infoHash, peerId: pattern(20, 2), torrent, pieces: Bitfield.full(2),
        onSend: (d) => c.write(d),
        onEvent: (e) => {
          if (e.type === 'interested') seeder.unchoke();
          if (e.type === 'request') seeder.sendPiece(e.index, e.begin, data.subarray(e.index * 32768 + e.begin, e.index * 32768 + e.begin + e.length));
          if (e.type === 'closed') closedErrors.push(e.error?.code);
        },
      });
      void runSession(c, seeder);
    });
    // The hostile peer: a valid handshake, then a 4 GiB length prefix.
    const bad = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    bad.onData(() => {});
    const good = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    let got = 0;
    const leecher: PeerSession = new PeerSession({
      infoHash, peerId: pattern(20, 1), torrent, pieces: new Bitfield(2),
      onSend: (d) => good.write(d),
      onEvent: (e) => {
        if (e.type === 'bitfield') {
          leecher.interested();
          for (let i = 0; i < 4; i++) leecher.request(i >> 1, (i & 1) * 16384, 16384);
        }
        if (e.type === 'block' && (got += e.block.length) === 65536) leecher.close();
      },
    });
    const done = runSession(good, leecher);
    bad.write(encodeHandshake({ infoHash, peerId: pattern(20, 66) }));
    bad.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 7));
    await bad.closed; // the seeder hung up on it
    await done;
    expect(got).toBe(65536);
    expect(closedErrors).toContain('WIRE_MESSAGE_TOO_LONG');
  });
});
