// The session's timer marks (SessionClock), and regression tests: the handshake and idle timers count
// from the first clock value the session sees, so a session created without `now` and driven by
// `Date.now()` (runSession) does not time out at once.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHandshake } from './handshake.ts';
import { PeerSession, type PeerSessionOptions, type SessionEvent } from './session.ts';
import { SessionClock } from './session-clock.ts';
import { runSession } from './tcp.ts';
import { pattern, tcpScope, waitFor } from './test-helpers.ts';

const infoHash = pattern(20, 13);
const torrent = { pieceCount: 4, pieceLength: 16384, totalLength: 4 * 16384 };
const T0 = 1_764_000_000_000; // a wall-clock time, far from 0
const peerHandshake = (): Uint8Array => encodeHandshake({ infoHash, peerId: pattern(20, 9), reserved: { fast: true, extended: true } });

function session(opts: Partial<PeerSessionOptions> = {}) {
  const events: SessionEvent[] = [];
  const s = new PeerSession({ infoHash, peerId: pattern(20, 1), torrent, onSend: () => {}, onEvent: (e) => events.push(e), ...opts });
  return { s, events };
}

const closedWith = (events: SessionEvent[]): string | undefined => {
  const e = events.find((x) => x.type === 'closed');
  return e?.type === 'closed' ? e.error?.code : undefined;
};

describe('SessionClock', () => {
  it('without a start time, the first time given anchors every mark, once', () => {
    const c = new SessionClock(undefined);
    expect(c.set(undefined)).toBe(false);
    expect(c.set(T0)).toBe(true);
    expect([c.startedAt, c.lastSent, c.lastReceived, c.lastProgress, c.now]).toEqual([T0, T0, T0, T0, T0]);
    expect(c.set(T0 + 500)).toBe(false);
    expect(c.startedAt).toBe(T0);
    expect(c.sinceStart).toBe(500);
  });

  it('with a start time, measures from it', () => {
    const c = new SessionClock(100);
    expect(c.set(T0)).toBe(false);
    expect(c.sinceStart).toBe(T0 - 100);
  });

  it('measures each mark separately', () => {
    const c = new SessionClock(0);
    c.set(1000);
    c.lastSent = 900;
    c.lastReceived = 800;
    c.lastProgress = 700;
    expect([c.sinceSent, c.sinceReceived, c.sinceProgress]).toEqual([100, 200, 300]);
  });
});

describe('PeerSession clock', () => {
  it('accepts a handshake that arrives after the first tick but within the timeout', () => {
    const A = session({ handshakeTimeout: 30_000 });
    A.s.start(T0);
    A.s.tick(T0 + 1000);
    expect(A.s.closed).toBe(false);
    A.s.receive(peerHandshake(), T0 + 29_999);
    expect(A.events.map((e) => e.type)).toContain('handshake');
    A.s.tick(T0 + 60_000); // the idle timer also started at T0, and bytes arrived since
    expect(A.s.closed).toBe(false);
  });

  it('still closes when the handshake does not arrive within the timeout', () => {
    const A = session({ handshakeTimeout: 30_000 });
    A.s.start(T0);
    A.s.tick(T0 + 29_999);
    expect(A.s.closed).toBe(false);
    A.s.tick(T0 + 30_000);
    expect(closedWith(A.events)).toBe('WIRE_TIMEOUT');
    A.s.receive(peerHandshake(), T0 + 30_001);
    expect(A.events.map((e) => e.type)).not.toContain('handshake');
  });

  it('anchors on the first tick or receive too, and honours an explicit `now`', () => {
    const A = session();
    A.s.tick(T0); // an incoming session that is ticked before it is started
    A.s.tick(T0 + 10_000);
    expect(A.s.closed).toBe(false);
    const B = session({ now: 0 }); // an explicit start time is kept
    B.s.tick(T0);
    expect(closedWith(B.events)).toBe('WIRE_TIMEOUT');
  });
});

describe('runSession clock', () => {
  const tcp = tcpScope();
  afterEach(() => tcp.close());

  /** A listener whose sessions (created without `now`) run on the clock `now`; counts clock reads. */
  async function serve(now: () => number) {
    const events: SessionEvent[] = [];
    let reads = 0;
    let done: Promise<void> | undefined;
    const listener = await tcp.listen({ host: '127.0.0.1', port: 0 }, (c) => {
      const s = new PeerSession({ infoHash, peerId: pattern(20, 1), torrent, handshakeTimeout: 30_000, onSend: (d) => c.write(d), onEvent: (e) => events.push(e) });
      done = runSession(c, s, { tickInterval: 5, now: () => (reads++, now()) });
    });
    const client = await tcp.connect({ host: '127.0.0.1', port: listener.port });
    client.onData(() => {}); // read, so the client sees the server's end of stream
    return { events, client, reads: () => reads, done: () => done };
  }

  it('a peer slower than one tick to send its handshake is accepted (wall clock)', async () => {
    const srv = await serve(() => T0 + Date.now() % 1000);
    // Start plus several ticks have run (or the session closed, which is the bug this guards against).
    await waitFor(() => srv.reads() >= 5 || srv.events.some((e) => e.type === 'closed'));
    expect(srv.events.some((e) => e.type === 'closed')).toBe(false);
    srv.client.write(peerHandshake());
    await waitFor(() => srv.events.some((e) => e.type === 'handshake'));
    expect(srv.events.some((e) => e.type === 'closed')).toBe(false);
  });

  it('a peer that sends nothing within the handshake timeout is closed', async () => {
    let clock = T0;
    const srv = await serve(() => clock);
    await waitFor(() => srv.reads() >= 3 || srv.events.some((e) => e.type === 'closed'));
    expect(srv.events.some((e) => e.type === 'closed')).toBe(false);
    clock += 30_000;
    await waitFor(() => srv.events.some((e) => e.type === 'closed'));
    expect(closedWith(srv.events)).toBe('WIRE_TIMEOUT');
    await srv.done();
    await srv.client.closed;
  });
});
