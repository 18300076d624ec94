// Entry point for Cloudflare Workers: the sharded store and the Durable Object class it talks to.
// (Imports `cloudflare:workers`, so it loads only inside workerd.)
export { DurableObjectSwarmStore, type DurableObjectSwarmStoreOptions, type SwarmShardNamespace, type SwarmShardStub } from './durable-store.ts';
export { SwarmShard, type SwarmShardEnv } from './durable-object.ts';
export { SwarmShardCore, type ShardLimits, type ShardRefusal, type SqlLike } from './durable-shard.ts';
