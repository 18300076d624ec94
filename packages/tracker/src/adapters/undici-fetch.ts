// A fetch for the announce client backed by an undici keep-alive Agent: announces to the same tracker
// reuse connections instead of paying a TCP (and TLS) handshake every interval.
import { Agent, fetch as undiciFetch } from 'undici';
import type { FetchLike } from '../client/http-client.ts';

/** Options of {@link createUndiciFetch}. */
export interface UndiciFetchOptions {
  /** Connections kept per origin. Default 4. */
  connections?: number;
  /** Idle keep-alive time, ms. Default 60,000. */
  keepAliveTimeout?: number;
}

/** A fetch plus the Agent's `close`. */
export function createUndiciFetch(o: UndiciFetchOptions = {}): { fetch: FetchLike; close: () => Promise<void> } {
  const agent = new Agent({
    connections: o.connections ?? 4,
    keepAliveTimeout: o.keepAliveTimeout ?? 60_000,
    keepAliveMaxTimeout: Math.max(o.keepAliveTimeout ?? 60_000, 600_000),
  });
  return {
    fetch: (url, init) => undiciFetch(url, { ...init, dispatcher: agent }) as unknown as Promise<Response>,
    // Bun maps 'undici' to a built-in shim whose Agent has no close(); its fetch pools by itself.
    close: async () => { if (typeof agent.close === 'function') await agent.close(); },
  };
}
