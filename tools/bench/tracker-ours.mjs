// Starts our tracker for the benchmark, inside tracker-server.mjs's process: `serveTracker` from
// @torrentkit/tracker/node (HTTP and UDP on one port number), with the in-memory store or, given a
// redis:// URL, the Redis store. No rate limit: every request of the load comes from 127.0.0.1.
import { createTracker } from '@torrentkit/tracker';
import { serveTracker } from '@torrentkit/tracker/node';
import { createRedisSwarmStore } from '@torrentkit/tracker/redis';
import { serveNetHttp } from './tracker-net-http.mjs';

export async function startOurs({ host, port, storeUrl, interval, net = false }) {
  const store = storeUrl ? await redisStore(storeUrl) : undefined;
  if (net) {
    // the prototype HTTP layer of tracker-net-http.mjs over the same core
    const srv = await serveNetHttp(createTracker({ store, interval }), { host, port });
    return { adapter: 'net-http prototype', httpPort: srv.port, udpPort: srv.port, close: srv.close };
  }
  const srv = await serveTracker({ host, port, store, interval, onError: (e) => console.error('tracker error:', e) });
  return { adapter: store ? 'serveTracker (net engine) + redis' : 'serveTracker (net engine)', httpPort: srv.port, udpPort: srv.port, close: () => srv.close() };
}

/** The Redis store from the package's `./redis` subpath (what apps/edge-tracker imports). */
async function redisStore(url) {
  const store = createRedisSwarmStore(url);
  await store.stats(); // fail now when Redis is unreachable, not on the first announce
  return store;
}
