// The Durable Object class that holds one shard of swarms on Cloudflare Workers. Export it from your
// Worker's main module and bind it (wrangler.toml: a `new_sqlite_classes` migration). The logic lives
// in durable-shard.ts; this class only adds RPC methods and an expiry alarm.
import { DurableObject } from 'cloudflare:workers';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats } from '../store.ts';
import { shardLimit, SwarmShardCore, type DurableObjectStateLike, type ShardRefusal } from './durable-shard.ts';

/** Variables read from the Worker's env (all optional). */
export interface SwarmShardEnv {
  /** Max live swarms per shard (string, from wrangler vars). Default 100,000. */
  TRACKER_MAX_SWARMS_PER_SHARD?: string;
  /** Max peers per swarm. Default 100,000. */
  TRACKER_MAX_PEERS_PER_SWARM?: string;
  /** Completion counts of emptied swarms remembered per shard (for scrape). Default 100,000. */
  TRACKER_MAX_RETIRED_PER_SHARD?: string;
}

/** How often a shard with peers wakes up to drop the silent ones. */
const ALARM_EVERY_MS = 60_000;

/** One shard of the tracker's swarms, addressed by `DurableObjectSwarmStore`. */
export class SwarmShard extends DurableObject<SwarmShardEnv> {
  readonly #core: SwarmShardCore;
  readonly #ctx: DurableObjectStateLike;
  #alarmSet = false;

  constructor(ctx: DurableObjectStateLike, env: SwarmShardEnv) {
    super(ctx as never, env);
    this.#ctx = ctx;
    this.#core = new SwarmShardCore(ctx.storage.sql, {
      maxSwarmsPerShard: shardLimit(env, 'TRACKER_MAX_SWARMS_PER_SHARD'),
      maxPeersPerSwarm: shardLimit(env, 'TRACKER_MAX_PEERS_PER_SWARM'),
      maxRetiredPerShard: shardLimit(env, 'TRACKER_MAX_RETIRED_PER_SHARD'),
    });
  }

  async announce(request: StoreAnnounce): Promise<StoreAnnounceResult | ShardRefusal> {
    const result = this.#core.announce(request);
    if (!this.#alarmSet) {
      this.#alarmSet = true;
      if ((await this.#ctx.storage.getAlarm()) === null) await this.#ctx.storage.setAlarm(Date.now() + ALARM_EVERY_MS);
    }
    return result;
  }

  scrape(infoHashes: Uint8Array[], now: number): ScrapeEntry[] {
    return this.#core.scrape(infoHashes, now);
  }

  expire(now: number): number {
    return this.#core.expire(now);
  }

  stats(): StoreStats {
    return this.#core.stats();
  }

  /** Storage alarm: expire silent peers; keep waking only while peers remain. */
  override async alarm(): Promise<void> {
    this.#core.expire(Date.now());
    this.#alarmSet = this.#core.hasPeers();
    if (this.#alarmSet) await this.#ctx.storage.setAlarm(Date.now() + ALARM_EVERY_MS);
  }
}
