// SwarmStore for Cloudflare Workers: swarms are spread over Durable Object shards by info hash (never
// one object for everything), each shard a `SwarmShard` (durable-object.ts) called over Workers RPC.
// Runtime-neutral module: it only needs the namespace binding passed in.
import { TrackerError } from '../errors.ts';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from '../store.ts';
import type { ShardRefusal } from './durable-shard.ts';

/** The RPC surface of a SwarmShard stub. */
export interface SwarmShardStub {
  announce(request: StoreAnnounce): Promise<StoreAnnounceResult | ShardRefusal>;
  scrape(infoHashes: Uint8Array[], now: number): Promise<ScrapeEntry[]>;
  expire(now: number): Promise<number>;
  stats(): Promise<StoreStats>;
}

/** The part of a DurableObjectNamespace binding the store uses. */
export interface SwarmShardNamespace {
  idFromName(name: string): unknown;
  get(id: never): unknown;
}

/** Options of {@link DurableObjectSwarmStore}. */
export interface DurableObjectSwarmStoreOptions {
  /** The Durable Object namespace bound to the `SwarmShard` class. */
  namespace: SwarmShardNamespace;
  /**
   * Number of shards. Swarms map to shard `(infoHash[0..2] as uint16) % shards`. More shards spread
   * load over more objects; `stats()` asks every shard. Do not change it on a live deployment
   * (swarms would move). Default 64.
   */
  shards?: number;
  /** Name prefix of the shard objects, to run several trackers on one namespace. Default `swarms-`. */
  prefix?: string;
}

/** A {@link SwarmStore} over Durable Object shards. */
export class DurableObjectSwarmStore implements SwarmStore {
  readonly #ns: SwarmShardNamespace;
  readonly #shards: number;
  readonly #prefix: string;

  constructor(options: DurableObjectSwarmStoreOptions) {
    this.#ns = options.namespace;
    this.#shards = options.shards ?? 64;
    if (!Number.isInteger(this.#shards) || this.#shards < 1 || this.#shards > 65536) {
      throw new RangeError(`shards must be an integer in 1..65536, got ${options.shards}`);
    }
    this.#prefix = options.prefix ?? 'swarms-';
  }

  /** The shard number of an info hash. */
  shardOf(infoHash: Uint8Array): number {
    return (((infoHash[0] ?? 0) << 8) | (infoHash[1] ?? 0)) % this.#shards;
  }

  #stub(shard: number): SwarmShardStub {
    // A fresh stub per call: Workers ties a stub to the request that made it, and this store
    // outlives requests. Getting one is cheap (no I/O until it is used).
    return this.#ns.get(this.#ns.idFromName(`${this.#prefix}${shard}`) as never) as SwarmShardStub;
  }

  async announce(request: StoreAnnounce): Promise<StoreAnnounceResult> {
    const r = await this.#stub(this.shardOf(request.infoHash)).announce(request);
    if ('refused' in r) throw new TrackerError(r.refused, r.message);
    return r;
  }

  async scrape(infoHashes: readonly Uint8Array[], now: number): Promise<ScrapeEntry[]> {
    // One RPC per shard touched, in parallel; answers go back in the order asked.
    const byShard = new Map<number, number[]>();
    infoHashes.forEach((h, i) => {
      const s = this.shardOf(h);
      const list = byShard.get(s);
      if (list) list.push(i); else byShard.set(s, [i]);
    });
    const out: ScrapeEntry[] = new Array(infoHashes.length);
    await Promise.all([...byShard].map(async ([shard, idx]) => {
      const rows = await this.#stub(shard).scrape(idx.map((i) => infoHashes[i]!), now);
      idx.forEach((i, k) => { out[i] = rows[k]!; });
    }));
    return out;
  }

  async expire(now: number): Promise<number> {
    // Shards also expire on their own alarms; this sweeps them all now.
    const counts = await Promise.all(this.#all((s) => s.expire(now)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async stats(): Promise<StoreStats> {
    const all = await Promise.all(this.#all((s) => s.stats()));
    return all.reduce((a, b) => ({ swarms: a.swarms + b.swarms, seeders: a.seeders + b.seeders, leechers: a.leechers + b.leechers }),
      { swarms: 0, seeders: 0, leechers: 0 });
  }

  async close(): Promise<void> {}

  #all<T>(fn: (s: SwarmShardStub) => Promise<T>): Promise<T>[] {
    const jobs: Promise<T>[] = [];
    for (let i = 0; i < this.#shards; i++) jobs.push(fn(this.#stub(i)));
    return jobs;
  }
}
