// The swarm logic inside one Durable Object shard, on the object's SQLite storage (ctx.storage.sql).
// A shard holds the swarms whose info hashes map to it (see durable-store.ts); every method runs to
// completion without awaiting, so each announce is atomic within its object. Pure: it only needs the
// `exec` function of SqlStorage, so it carries no Workers import.
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats } from '../store.ts';

/** The part of Workers' SqlStorage that a shard uses. */
export interface SqlLike {
  exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] };
}

/** The part of DurableObjectState that a shard uses. */
export interface DurableObjectStateLike {
  storage: {
    sql: SqlLike;
    getAlarm(): Promise<number | null>;
    setAlarm(time: number): Promise<void>;
  };
  blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T>;
}

/** A store-level refusal carried across RPC as a value (custom error classes do not survive it). */
export interface ShardRefusal {
  refused: string;
  message: string;
}

/** Per-shard capacity limits. */
export interface ShardLimits {
  maxSwarmsPerShard: number;
  maxPeersPerSwarm: number;
  /**
   * Completion counts remembered for swarms that emptied, so scrape `downloaded` survives; the oldest
   * are forgotten beyond this many. Default 100,000 (as the memory store's `maxRetiredCounts`).
   */
  maxRetiredPerShard?: number;
}

const EMPTY = new Uint8Array(0);
const RND_RANGE = 2 ** 31;

function ab(u: Uint8Array): ArrayBuffer {
  return u.slice().buffer as ArrayBuffer;
}

function u8(v: unknown): Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : v instanceof Uint8Array ? v : EMPTY;
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size * parts.length);
  for (let i = 0; i < parts.length; i++) out.set(parts[i]!, i * size);
  return out;
}

/**
 * A shard limit from the Worker's env: a whole number of at least 1, default 100,000. Anything else
 * throws a RangeError naming the variable: `Number('abc')` would be NaN, which no count is ever at
 * or above, so the limit would silently be off.
 */
export function shardLimit<K extends string>(env: Readonly<Partial<Record<K, string>>>, name: K): number {
  const text = env[name];
  if (text === undefined) return 100_000;
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(n) && n >= 1)) throw new RangeError(`${name} must be a whole number of at least 1, not ${JSON.stringify(text)}`);
  return n;
}

/** SQL swarm store of one shard. */
export class SwarmShardCore {
  readonly #sql: SqlLike;
  readonly #limits: ShardLimits;
  readonly #maxRetired: number;

  constructor(sql: SqlLike, limits: ShardLimits) {
    this.#sql = sql;
    this.#limits = limits;
    this.#maxRetired = limits.maxRetiredPerShard ?? 100_000;
    // `rnd` is a random number drawn when a peer joins: sampling reads a window of the swarm in
    // `rnd` order from a random point (an index range scan) instead of sorting the swarm by random().
    sql.exec(`CREATE TABLE IF NOT EXISTS peers (
      ih BLOB NOT NULL, id BLOB NOT NULL, addr BLOB NOT NULL, key INTEGER NOT NULL,
      seeder INTEGER NOT NULL, expires INTEGER NOT NULL, rnd INTEGER NOT NULL, PRIMARY KEY (ih, id)) WITHOUT ROWID`);
    sql.exec('CREATE INDEX IF NOT EXISTS peers_by_expiry ON peers (expires)');
    sql.exec('CREATE INDEX IF NOT EXISTS peers_by_rnd ON peers (ih, rnd)');
    // Counters of live swarms, so counts and stats never scan peers.
    sql.exec(`CREATE TABLE IF NOT EXISTS swarms (
      ih BLOB PRIMARY KEY, seeders INTEGER NOT NULL, leechers INTEGER NOT NULL,
      downloaded INTEGER NOT NULL, live INTEGER NOT NULL) WITHOUT ROWID`);
    // Emptied swarms' completion counts, in retirement order (`seq`), so that the oldest can be
    // forgotten: `swarms` then only holds live swarms and its scans stay bounded by the swarm limit.
    sql.exec(`CREATE TABLE IF NOT EXISTS retired (
      ih BLOB PRIMARY KEY, downloaded INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID`);
    sql.exec('CREATE INDEX IF NOT EXISTS retired_by_seq ON retired (seq)');
    // Shards written by earlier versions kept emptied swarms in `swarms` (live = 0) forever.
    sql.exec('INSERT OR REPLACE INTO retired (ih, downloaded, seq) SELECT ih, downloaded, 0 FROM swarms WHERE live = 0');
    sql.exec('DELETE FROM swarms WHERE live = 0');
  }

  /** Remembers an emptied swarm's completion count, forgetting the oldest beyond the limit. */
  #retire(ih: ArrayBuffer, downloaded: number): void {
    const sql = this.#sql;
    const seq = Number(sql.exec('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM retired').toArray()[0]?.n ?? 1);
    sql.exec('INSERT OR REPLACE INTO retired (ih, downloaded, seq) VALUES (?, ?, ?)', ih, downloaded, seq);
    sql.exec('DELETE FROM retired WHERE seq <= ?', seq - this.#maxRetired);
  }

  announce(r: StoreAnnounce): StoreAnnounceResult | ShardRefusal {
    const sql = this.#sql;
    const ih = ab(r.infoHash);
    const id = ab(r.peerId);
    const addr = new Uint8Array(r.ip.length + 2);
    addr.set(r.ip, 0);
    addr[r.ip.length] = r.port >>> 8;
    addr[r.ip.length + 1] = r.port & 255;
    const key = r.key >>> 0;
    const old = sql.exec('SELECT addr, key, seeder FROM peers WHERE ih = ? AND id = ?', ih, id).toArray()[0];
    let swarm = sql.exec('SELECT seeders, leechers, downloaded FROM swarms WHERE ih = ?', ih).toArray()[0];
    let seeders = Number(swarm?.seeders ?? 0);
    let leechers = Number(swarm?.leechers ?? 0);
    const retired = swarm ? undefined : sql.exec('SELECT downloaded FROM retired WHERE ih = ?', ih).toArray()[0];
    let downloaded = Number(swarm?.downloaded ?? retired?.downloaded ?? 0);
    const wasSeeder = old ? Number(old.seeder) === 1 : false;
    let seeder = r.seeder;
    let stranger = false;
    if (old) {
      const oldKey = Number(old.key);
      // A known peer id from a new address must prove itself with the same key (BEP 3 `key`).
      if (oldKey !== 0 && oldKey !== key && !sameBytes(u8(old.addr), addr)) {
        stranger = true;
        seeder = wasSeeder;
      }
    }
    if (!stranger) {
      if (r.event === 'stopped') {
        if (old) {
          sql.exec('DELETE FROM peers WHERE ih = ? AND id = ?', ih, id);
          if (wasSeeder) seeders--; else leechers--;
        }
      } else {
        if (!old) {
          if (seeders + leechers >= this.#limits.maxPeersPerSwarm) {
            return { refused: 'TRACKER_SWARM_FULL', message: 'torrent has too many peers' };
          }
          if (!swarm || (seeders + leechers === 0)) {
            const live = Number(sql.exec('SELECT COUNT(*) AS n FROM swarms WHERE live = 1').toArray()[0]?.n ?? 0);
            if (live >= this.#limits.maxSwarmsPerShard) {
              return { refused: 'TRACKER_TOO_MANY_SWARMS', message: 'tracker is tracking too many torrents' };
            }
          }
        }
        sql.exec(`INSERT INTO peers (ih, id, addr, key, seeder, expires, rnd) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (ih, id) DO UPDATE SET addr = excluded.addr, key = excluded.key,
          seeder = excluded.seeder, expires = excluded.expires`,
          ih, id, ab(addr), key, seeder ? 1 : 0, r.now + r.ttl, Math.floor(Math.random() * RND_RANGE));
        if (old) {
          if (wasSeeder && !seeder) { seeders--; leechers++; }
          else if (!wasSeeder && seeder) { leechers--; seeders++; }
        } else if (seeder) seeders++; else leechers++;
        if (r.event === 'completed' && seeder && !wasSeeder) downloaded++;
      }
      if (seeders + leechers > 0) {
        sql.exec(`INSERT INTO swarms (ih, seeders, leechers, downloaded, live) VALUES (?, ?, ?, ?, 1)
          ON CONFLICT (ih) DO UPDATE SET seeders = excluded.seeders, leechers = excluded.leechers,
          downloaded = excluded.downloaded`, ih, seeders, leechers, downloaded);
        if (retired) sql.exec('DELETE FROM retired WHERE ih = ?', ih);
      } else if (swarm) {
        sql.exec('DELETE FROM swarms WHERE ih = ?', ih);
        if (downloaded > 0) this.#retire(ih, downloaded);
      }
    }
    const result: StoreAnnounceResult = { complete: seeders, incomplete: leechers, downloaded, peers4: EMPTY, peers6: EMPTY };
    if (r.withPeerIds) { result.peerIds4 = EMPTY; result.peerIds6 = EMPTY; }
    if (r.numwant > 0 && (r.event !== 'stopped' || stranger) && seeders + leechers > 0) {
      // Random sample: numwant peers in `rnd` order from a random point, wrapping around.
      const pivot = Math.floor(Math.random() * RND_RANGE);
      const filter = `ih = ? AND id <> ? AND expires > ?${seeder ? ' AND seeder = 0' : ''}`;
      const rows = sql.exec(`SELECT addr, id FROM peers WHERE ${filter} AND rnd >= ? ORDER BY rnd LIMIT ?`,
        ih, id, r.now, pivot, r.numwant).toArray();
      if (rows.length < r.numwant) {
        rows.push(...sql.exec(`SELECT addr, id FROM peers WHERE ${filter} AND rnd < ? ORDER BY rnd LIMIT ?`,
          ih, id, r.now, pivot, r.numwant - rows.length).toArray());
      }
      const a4: Uint8Array[] = [], a6: Uint8Array[] = [], i4: Uint8Array[] = [], i6: Uint8Array[] = [];
      for (const row of rows) {
        const a = u8(row.addr);
        if (a.length === 6) { a4.push(a); if (r.withPeerIds) i4.push(u8(row.id)); }
        else { a6.push(a); if (r.withPeerIds) i6.push(u8(row.id)); }
      }
      result.peers4 = concat(a4, 6);
      result.peers6 = concat(a6, 18);
      if (r.withPeerIds) { result.peerIds4 = concat(i4, 20); result.peerIds6 = concat(i6, 20); }
    }
    return result;
  }

  scrape(infoHashes: readonly Uint8Array[], now: number): ScrapeEntry[] {
    return infoHashes.map((h) => {
      const ih = ab(h);
      const row = this.#sql.exec(
        `SELECT COALESCE(SUM(seeder), 0) AS s, COUNT(*) AS n FROM peers WHERE ih = ? AND expires > ?`, ih, now).toArray()[0];
      const d = this.#sql.exec('SELECT downloaded FROM swarms WHERE ih = ?', ih).toArray()[0]
        ?? this.#sql.exec('SELECT downloaded FROM retired WHERE ih = ?', ih).toArray()[0];
      const s = Number(row?.s ?? 0);
      return { complete: s, incomplete: Number(row?.n ?? 0) - s, downloaded: Number(d?.downloaded ?? 0) };
    });
  }

  /** Deletes expired peers, fixes the counters of their swarms, frees swarms left empty. */
  expire(now: number): number {
    const sql = this.#sql;
    const groups = sql.exec(
      'SELECT ih, COALESCE(SUM(seeder), 0) AS s, COUNT(*) AS n FROM peers WHERE expires <= ? GROUP BY ih', now).toArray();
    if (groups.length === 0) return 0;
    let removed = 0;
    for (const g of groups) {
      const s = Number(g.s), n = Number(g.n);
      removed += n;
      sql.exec(`UPDATE swarms SET seeders = MAX(0, seeders - ?), leechers = MAX(0, leechers - ?) WHERE ih = ?`, s, n - s, g.ih);
    }
    sql.exec('DELETE FROM peers WHERE expires <= ?', now);
    for (const g of groups) {
      const row = sql.exec('SELECT seeders + leechers AS n, downloaded FROM swarms WHERE ih = ?', g.ih).toArray()[0];
      if (!row || Number(row.n) > 0) continue;
      sql.exec('DELETE FROM swarms WHERE ih = ?', g.ih);
      if (Number(row.downloaded) > 0) this.#retire(g.ih as ArrayBuffer, Number(row.downloaded));
    }
    return removed;
  }

  stats(): StoreStats {
    const row = this.#sql.exec(
      'SELECT COUNT(*) AS n, COALESCE(SUM(seeders), 0) AS s, COALESCE(SUM(leechers), 0) AS l FROM swarms WHERE live = 1').toArray()[0];
    return { swarms: Number(row?.n ?? 0), seeders: Number(row?.s ?? 0), leechers: Number(row?.l ?? 0) };
  }

  /** Whether any peer is left (the object keeps an expiry alarm only while it has peers). */
  hasPeers(): boolean {
    return this.#sql.exec('SELECT 1 AS x FROM peers LIMIT 1').toArray().length > 0;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
