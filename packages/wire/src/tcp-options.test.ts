// Timer options of the TCP adapter: node:timers runs a delay of Infinity, NaN or more than 2^31 - 1 ms
// after 1 ms, so `timeout: Infinity` ("never") used to fail every connect at once.
import { afterEach, describe, expect, it } from 'vitest';
import { WireError } from './errors.ts';
import { PeerSession } from './session.ts';
import { runSession, type TcpConnection } from './tcp.ts';
import { pattern, tcpScope, waitFor } from './test-helpers.ts';

const tcp = tcpScope();
afterEach(() => tcp.close());

const codeOf = (e: unknown): string => (e instanceof WireError ? e.code : String(e));

describe('TCP adapter timer options', () => {
  it('connect with timeout Infinity or beyond 2^31 - 1 ms never times out', async () => {
    const listener = await tcp.listen({ port: 0 }, () => {});
    for (const timeout of [Infinity, 2 ** 31, 2 ** 40]) {
      const c = await tcp.connect({ host: '127.0.0.1', port: listener.port, timeout });
      expect(c.isClosed).toBe(false);
    }
  });

  it('connect refuses a timeout that is not a positive number', async () => {
    for (const timeout of [NaN, 0, -5, '100' as unknown as number]) {
      const err = await tcp.connect({ host: '127.0.0.1', port: 9, timeout }).then(() => undefined, codeOf);
      expect(err).toBe('WIRE_INVALID_ARGUMENT');
    }
  });

  it('runSession refuses a tick interval node:timers cannot keep', async () => {
    let conn: TcpConnection | undefined;
    const listener = await tcp.listen({ port: 0 }, (c) => (conn = c));
    await tcp.connect({ host: '127.0.0.1', port: listener.port });
    await waitFor(() => conn !== undefined);
    const session = new PeerSession({ infoHash: pattern(20, 9), peerId: pattern(20, 1), onSend: () => {}, onEvent: () => {} });
    for (const tickInterval of [Infinity, NaN, 0, -1, 2 ** 31]) {
      let code: string | undefined;
      try {
        void runSession(conn!, session, { tickInterval });
      } catch (e) {
        code = codeOf(e);
      }
      expect(code).toBe('WIRE_INVALID_ARGUMENT');
    }
  });
});
