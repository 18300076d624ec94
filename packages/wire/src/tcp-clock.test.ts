// runSession's default clock must be monotonic: with the wall clock (Date.now) set back, keep-alives
// stopped until the wall clock caught up again (an hour back: an hour of silence), and peers drop us.
import { afterEach, describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeHandshake } from './handshake.ts';
import { WireParser } from './parser.ts';
import { PeerSession } from './session.ts';
import { runSession } from './tcp.ts';
import { pattern, tcpScope, waitFor } from './test-helpers.ts';

const infoHash = pattern(20, 7);
const tcp = tcpScope();
const realNow = Date.now;
afterEach(async () => {
  Date.now = realNow;
  await tcp.close();
});

describe('runSession clock', () => {
  it('keeps sending keep-alives when the wall clock is set back', async () => {
    const torrent = { pieceCount: 4, pieceLength: 16384, totalLength: 4 * 16384 };
    let setBack = 0;
    Date.now = () => realNow() - setBack;
    const listener = await tcp.listen({ port: 0 }, (c) => {
      const session = new PeerSession({
        infoHash, peerId: pattern(20, 1), torrent, pieces: new Bitfield(4), keepAliveInterval: 20,
        onSend: (d) => c.write(d), onEvent: () => {},
      });
      void runSession(c, session, { tickInterval: 5 });
    });
    const client = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    const parser = new WireParser();
    let keepAlives = 0;
    client.onData((chunk) => parser.push(chunk, (e) => void (e.type === 'keep-alive' && keepAlives++)));
    client.write(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: {} }));
    await waitFor(() => keepAlives >= 1);
    setBack = 3_600_000;
    const before = keepAlives;
    await waitFor(() => keepAlives >= before + 3);
    expect(keepAlives).toBeGreaterThanOrEqual(before + 3);
  });

  it('a session created with a Date.now() time still times out under runSession\'s own clock', async () => {
    const torrent = { pieceCount: 4, pieceLength: 16384, totalLength: 4 * 16384 };
    let closed: unknown;
    const listener = await tcp.listen({ port: 0 }, (c) => {
      const session = new PeerSession({
        infoHash, peerId: pattern(20, 1), torrent, pieces: new Bitfield(4), handshakeTimeout: 50, now: Date.now(),
        onSend: (d) => c.write(d), onEvent: (e) => { if (e.type === 'closed') closed = e.error; },
      });
      void runSession(c, session, { tickInterval: 10 });
    });
    // A peer that connects and never sends its handshake.
    await tcp.connect({ host: '127.0.0.1', port: listener.port });
    await waitFor(() => closed !== undefined);
    expect(closed).toMatchObject({ code: 'WIRE_TIMEOUT' });
  });
});
