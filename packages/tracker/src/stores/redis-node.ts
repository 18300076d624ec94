// Convenience constructor of the Redis swarm store over node:net (Node, Deno, Bun).
import { connectNodeSocket } from './redis-socket-node.ts';
import { RedisSwarmStore, type RedisSwarmStoreOptions } from './redis-store.ts';

export { connectNodeSocket } from './redis-socket-node.ts';
export { RedisClient, RedisScript, parseRedisUrl, type RedisConnector, type RedisSocket } from './redis-client.ts';
export { RedisSwarmStore, type RedisSwarmStoreOptions } from './redis-store.ts';

/**
 * Opens a Redis-backed swarm store at `url` (e.g. `redis://127.0.0.1:6379/0`). The connection is
 * made lazily on the first command.
 */
export function createRedisSwarmStore(url: string, options: Omit<RedisSwarmStoreOptions, 'url' | 'connect'> = {}): RedisSwarmStore {
  return new RedisSwarmStore({ ...options, url, connect: connectNodeSocket });
}
