// Starts our tracker for the benchmark, inside tracker-server.mjs's process: `serveTracker` from
// @torrentkit/tracker/node (HTTP and UDP on one port number), with the in-memory store or, given a
// redis:// URL, the Redis store. No rate limit: every request of the load comes from 127.0.0.1.
import { serveTracker } from '@torrentkit/tracker/node';
import { createRedisSwarmStore } from '@torrentkit/tracker/redis';

// `httpEngine`: 'net' (serveTracker's default) or 'node:http' (to show what node:http costs).
export async function startOurs({ host, port, storeUrl, interval, httpEngine = 'net' }) {
  const store = storeUrl ? await redisStore(storeUrl) : undefined;
  const srv = await serveTracker({ host, port, store, interval, httpEngine, onError: (e) => console.error('tracker error:', e) });
  return { adapter: `serveTracker (${httpEngine})${store ? ' + redis' : ''}`, httpPort: srv.port, udpPort: srv.port, close: () => srv.close() };
}

/** The Redis store from the package's `./redis` subpath (what apps/edge-tracker imports). */
async function redisStore(url) {
  const store = createRedisSwarmStore(url);
  await store.stats(); // fail now when Redis is unreachable, not on the first announce
  return store;
}
