// Starts our tracker for the benchmark, inside tracker-server.mjs's process: `serveTracker` from
// @torrentkit/tracker/node (HTTP and UDP on one port number), with the in-memory store or, given a
// redis:// URL, the Redis store. No rate limit: every request of the load comes from 127.0.0.1.
import { serveTracker } from '@torrentkit/tracker/node';

export async function startOurs({ host, port, storeUrl, interval }) {
  const store = storeUrl ? await redisStore(storeUrl) : undefined;
  const srv = await serveTracker({ host, port, store, interval, onError: (e) => console.error('tracker error:', e) });
  return { adapter: store ? 'serveTracker+redis' : 'serveTracker', httpPort: srv.port, udpPort: srv.port, close: () => srv.close() };
}

/** The Redis store, wherever the package exports it (its Node entry point, or a `./redis` subpath). */
async function redisStore(url) {
  for (const spec of ['@torrentkit/tracker/node', '@torrentkit/tracker/redis', '@torrentkit/tracker']) {
    const m = await import(spec).catch(() => ({}));
    if (typeof m.createRedisSwarmStore === 'function') return m.createRedisSwarmStore(url);
  }
  throw new Error('@torrentkit/tracker exports no createRedisSwarmStore (looked in ./node, ./redis and the root)');
}
