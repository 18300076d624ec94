// The Durable Object shard's SQL logic on a local SQLite (bun:sqlite under Bun, node:sqlite under
// Deno), through the shared contract suite. Inside workerd the same class is tested by
// apps/edge-tracker (test/workerd.test.ts); Node 20 has no SQLite module, so it skips here.
import { describe, it } from 'vitest';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from '../store.ts';
import { TrackerError } from '../errors.ts';
import { SwarmShardCore, type SqlLike } from './durable-shard.ts';
import { describeSwarmStore } from './store.contract.ts';

type Row = Record<string, unknown>;
interface Stmt { all(...b: unknown[]): Row[] }
interface Db { prepare(q: string): Stmt; close(): void }

const asBytes = (b: unknown) => (b instanceof ArrayBuffer ? new Uint8Array(b) : b);

async function openDb(): Promise<Db | string> {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  try {
    if (g.Bun) {
      const { Database } = await import('bun:sqlite' as string);
      const db = new Database(':memory:');
      return { prepare: (q: string) => { const s = db.query(q); return { all: (...b: unknown[]) => s.all(...b) as Row[] }; }, close: () => db.close() };
    }
    if (g.Deno) {
      const { DatabaseSync } = await import('node:sqlite' as string);
      const db = new DatabaseSync(':memory:');
      return {
        prepare: (q: string) => {
          const s = db.prepare(q);
          return { all: (...b: unknown[]) => (/^\s*(SELECT|WITH)/i.test(q) ? s.all(...b) : (s.run(...b), [])) as Row[] };
        },
        close: () => db.close(),
      };
    }
  } catch (e) {
    return `no SQLite module (${(e as Error).message})`;
  }
  return 'no SQLite module in this runtime (Node 20); the shard runs in workerd in apps/edge-tracker';
}

function sqlOver(db: Db): SqlLike {
  return { exec: (q, ...b) => { const rows = db.prepare(q).all(...b.map(asBytes)); return { toArray: () => rows }; } };
}

/** One shard as a whole store (a Durable Object store with shards = 1, minus the RPC). */
class LocalShardStore implements SwarmStore {
  readonly #core: SwarmShardCore;
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
    this.#core = new SwarmShardCore(sqlOver(db), { maxSwarmsPerShard: 1000, maxPeersPerSwarm: 1000 });
  }
  async announce(r: StoreAnnounce): Promise<StoreAnnounceResult> {
    const out = this.#core.announce(r);
    if ('refused' in out) throw new TrackerError(out.refused, out.message);
    return out;
  }
  async scrape(h: readonly Uint8Array[], now: number): Promise<ScrapeEntry[]> { return this.#core.scrape(h, now); }
  async expire(now: number): Promise<number> { return this.#core.expire(now); }
  async stats(): Promise<StoreStats> { return this.#core.stats(); }
  async close(): Promise<void> { this.#db.close(); }
}

const probe = await openDb();
if (typeof probe === 'string') {
  console.warn(`skipping Durable Object shard SQL tests: ${probe}`);
  describe('SwarmStore contract: durable object shard (local SQLite)', () => {
    it.skip(probe, () => {});
  });
} else {
  probe.close();
  describeSwarmStore('durable object shard (local SQLite)', async () => new LocalShardStore((await openDb()) as Db));
}
