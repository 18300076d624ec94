// Node (also Deno and Bun): the server mode, HTTP and UDP on one port, client address from the
// socket. Configured by environment: HOST, PORT, REDIS_URL (optional), TRACKER_* (see env-options.ts;
// TRACKER_MAX_SWARMS / TRACKER_MAX_PEERS_PER_SWARM bound the memory store when there is no Redis).
import { MemorySwarmStore } from '@torrentkit/tracker';
import { startTrackerServer, type RunningTracker } from '../server.ts';
import { memoryStoreOptionsFromEnv, trackerOptionsFromEnv } from '../env-options.ts';

/** Starts the server from environment variables. */
export async function startFromEnv(env: Record<string, string | undefined> = process.env): Promise<RunningTracker> {
  const options = trackerOptionsFromEnv(env);
  if (env.REDIS_URL) {
    const { createRedisSwarmStore } = await import('@torrentkit/tracker/redis');
    return startTrackerServer({ ...options, store: createRedisSwarmStore(env.REDIS_URL), storeName: 'redis', host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 8000) });
  }
  const store = new MemorySwarmStore(memoryStoreOptionsFromEnv(env));
  return startTrackerServer({ ...options, store, storeName: 'memory', host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 8000) });
}
