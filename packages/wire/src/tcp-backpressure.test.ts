// A peer that sends requests but never reads the answers: every request we refuse while choking it
// (BEP 6) costs us a 17-byte reject in the write buffer, which used to grow without bound.
import { afterEach, describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeRequest } from './encode.ts';
import { encodeHandshake } from './handshake.ts';
import { WireParser } from './parser.ts';
import { PeerSession } from './session.ts';
import { runSession, type TcpConnection } from './tcp.ts';
import { pattern, tcpScope, waitFor } from './test-helpers.ts';

const infoHash = pattern(20, 5);
const tcp = tcpScope();
afterEach(() => tcp.close());

describe('runSession with a peer that does not read', () => {
  it('stops reading while the write buffer is over maxWriteBuffer, and catches up once the peer reads', async () => {
    const torrent = { pieceCount: 100, pieceLength: 262144, totalLength: 100 * 262144 };
    const maxWriteBuffer = 256 * 1024;
    let server: TcpConnection | undefined;
    const listener = await tcp.listen({ port: 0 }, (c) => {
      server = c;
      const session = new PeerSession({
        infoHash, peerId: pattern(20, 1), torrent, pieces: Bitfield.full(100), onSend: (d) => c.write(d), onEvent: () => {},
      });
      void runSession(c, session, { maxWriteBuffer });
    });
    const client = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    // Requests while choked, with fast on: each is answered with a reject.
    const count = 250_000; // about 4 MiB of requests, and as many rejects back
    const requests = new Uint8Array(17 * count);
    for (let i = 0; i < count; i++) requests.set(encodeRequest({ index: i % 100, begin: 0, length: 16384 }), i * 17);
    client.write(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: { fast: true, extended: true } }));
    client.write(requests);
    await waitFor(() => server !== undefined && server.socket.isPaused(), 30_000);
    // Bounded by the limit plus the rejects for the chunk that crossed it (how much one read returns
    // differs between runtimes), far below the 4 MiB of rejects the requests ask for.
    expect(server!.bufferedAmount).toBeLessThan(4 * maxWriteBuffer);
    // The peer reads: everything it asked is answered, nothing lost.
    const parser = new WireParser();
    let rejects = 0;
    client.onData((chunk) => parser.push(chunk, (e) => void (e.type === 'reject' && rejects++)));
    await waitFor(() => rejects === count, 30_000);
    expect(server!.socket.isPaused()).toBe(false);
  }, 60_000);
});
