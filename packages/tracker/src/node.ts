// @torrentkit/tracker/node: adapters that use node: built-ins and undici (Node, Deno and Bun run them).
// Edge code imports the root entry point only.
import { AnnounceClient, type AnnounceClientOptions } from './client/client.ts';
import { createDgramTransport } from './adapters/dgram-transport.ts';
import { createUndiciFetch, type UndiciFetchOptions } from './adapters/undici-fetch.ts';

export { serveTracker, type ServeTrackerOptions, type TrackerServer } from './adapters/node-server.ts';
export { createDgramTransport } from './adapters/dgram-transport.ts';
export type { DgramTransportOptions, HostLookup } from './adapters/dgram-transport.ts';
export { createUndiciFetch, type UndiciFetchOptions } from './adapters/undici-fetch.ts';

/**
 * An {@link AnnounceClient} wired for Node: HTTP through an undici keep-alive Agent, UDP through
 * node:dgram. `close()` releases both.
 */
export function createNodeAnnounceClient(options: Omit<AnnounceClientOptions, 'fetch' | 'udp' | 'onClose'> & { undici?: UndiciFetchOptions } = {}): AnnounceClient {
  const u = createUndiciFetch(options.undici);
  return new AnnounceClient({ ...options, fetch: u.fetch, udp: createDgramTransport(), onClose: u.close });
}
