// The Durable Object shard's SQL logic on a local SQLite (bun:sqlite under Bun, node:sqlite under
// Deno), through the shared contract suite. Inside workerd the same class is tested by
// apps/edge-tracker (test/workerd.test.ts); Node 20 has no SQLite module, so it skips here.
import { describe, expect, it } from 'vitest';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from '../store.ts';
import { TrackerError } from '../errors.ts';
import { shardLimit, SwarmShardCore, type SqlLike } from './durable-shard.ts';
import { announceOf, describeSwarmStore, testId } from './store.contract.ts';

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

  describe('SwarmShardCore', () => {
    it('frees emptied swarms, remembering the completion counts of the newest ones only', async () => {
      const db = (await openDb()) as Db;
      const sql = sqlOver(db);
      const core = new SwarmShardCore(sql, { maxSwarmsPerShard: 1000, maxPeersPerSwarm: 1000, maxRetiredPerShard: 3 });
      const rows = (table: string) => Number(sql.exec(`SELECT COUNT(*) AS n FROM ${table}`).toArray()[0]!.n);
      for (let i = 0; i < 5; i++) {
        const infoHash = testId(0xcc, i);
        core.announce(announceOf({ n: 1, infoHash, event: 'completed', seeder: true }));
        core.announce(announceOf({ n: 1, infoHash, event: 'stopped', seeder: true }));
      }
      // Emptied by the expiry sweep, too.
      core.announce(announceOf({ n: 1, infoHash: testId(0xcc, 5), event: 'completed', seeder: true, ttl: 1000 }));
      core.expire(1_000_000 + 5000);
      expect(rows('swarms') + rows('retired')).toBe(3);
      const got = core.scrape([0, 1, 2, 3, 4, 5].map((i) => testId(0xcc, i)), 1_000_000).map((e) => e.downloaded);
      expect(got).toEqual([0, 0, 0, 1, 1, 1]);
      // A remembered swarm that comes back keeps its count.
      const r = core.announce(announceOf({ n: 2, infoHash: testId(0xcc, 4) }));
      expect(r).toMatchObject({ incomplete: 1, downloaded: 1 });
      expect(core.stats()).toEqual({ swarms: 1, seeders: 0, leechers: 1 });
      db.close();
    });
  });
}

describe('shardLimit (the Durable Object reads its limits from the Worker env)', () => {
  it('takes whole numbers of at least 1, defaults to 100,000, and names the variable of anything else', () => {
    expect(shardLimit({}, 'TRACKER_MAX_PEERS_PER_SWARM')).toBe(100_000);
    expect(shardLimit({ TRACKER_MAX_PEERS_PER_SWARM: '256' }, 'TRACKER_MAX_PEERS_PER_SWARM')).toBe(256);
    for (const bad of ['abc', '', '0', '-5', '1.5', '1e3', '99999999999999999999']) {
      expect(() => shardLimit({ TRACKER_MAX_PEERS_PER_SWARM: bad }, 'TRACKER_MAX_PEERS_PER_SWARM')).toThrow(/TRACKER_MAX_PEERS_PER_SWARM/);
    }
  });
});
