// Node (also Deno and Bun): the server mode, HTTP and UDP on one port, client address from the
// socket. Configured by environment: HOST, PORT, REDIS_URL (optional), TRACKER_* (see env-options.ts;
// TRACKER_MAX_SWARMS / TRACKER_MAX_PEERS_PER_SWARM bound the memory store when there is no Redis).
import { MemorySwarmStore } from '@torrentkit/tracker';
import { startTrackerServer, type RunningTracker } from '../server.ts';
import { memoryStoreOptionsFromEnv, portFromEnv, trackerOptionsFromEnv } from '../env-options.ts';

/** Starts the server from environment variables. */
export async function startFromEnv(env: Record<string, string | undefined> = process.env): Promise<RunningTracker> {
  const options = trackerOptionsFromEnv(env);
  const listen = { host: env.HOST || '127.0.0.1', port: portFromEnv(env) };
  if (env.REDIS_URL) {
    const { createRedisSwarmStore } = await import('@torrentkit/tracker/redis');
    const store = createRedisSwarmStore(env.REDIS_URL);
    // Fail now, as the CLI does, not with a failure reply to every announce.
    try {
      await store.stats();
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
    return startTrackerServer({ ...options, store, storeName: 'redis', ...listen });
  }
  const store = new MemorySwarmStore(memoryStoreOptionsFromEnv(env));
  return startTrackerServer({ ...options, store, storeName: 'memory', ...listen });
}
