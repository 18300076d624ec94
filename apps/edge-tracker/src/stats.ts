// Live figures for /stats, /stats.json and /metrics: store totals plus the tracker core's counters,
// with an announce rate over the last minute. Rates are per process (per isolate on edge platforms).
import type { StoreStats, Tracker } from '@torrentkit/tracker';

/** One reading of the tracker's figures. */
export interface StatsSnapshot {
  swarms: number;
  seeders: number;
  leechers: number;
  /** Peers: seeders + leechers. */
  peers: number;
  announces: number;
  scrapes: number;
  udpConnects: number;
  failures: number;
  dropped: number;
  /** Announces per second over the last minute (or since start). */
  announcesPerSecond: number;
  /** Announces per second between recent samples (at most one per second), oldest first. */
  rateHistory: number[];
  /** Seconds since this process started serving. */
  uptimeSeconds: number;
  /** Name of the swarm store, e.g. `memory`, `redis`. */
  store: string;
  /** ISO time of this reading. */
  time: string;
}

interface Sample { t: number; announces: number }

/** Keeps a ring of (time, announce count) samples, at most one per second, to compute a rate. */
export class TrackerStats {
  readonly #tracker: Tracker;
  readonly #storeName: string;
  readonly #now: () => number;
  readonly #started: number;
  readonly #ring: Sample[] = [];
  readonly #cacheMs: number;
  #cached: { t: number; stats: Promise<StoreStats> } | undefined;

  /**
   * `cacheMs`: store totals are reused for this long, so polling /stats (or a flood of requests to
   * it) costs the store at most one `stats()` call per period; a sharded store fans that out to
   * every shard. Default 2,000.
   */
  constructor(tracker: Tracker, storeName: string, now: () => number = Date.now, cacheMs = 2000) {
    this.#tracker = tracker;
    this.#storeName = storeName;
    this.#now = now;
    this.#cacheMs = cacheMs;
    this.#started = now();
    this.#ring.push({ t: this.#started, announces: 0 });
  }

  /** Records a sample if a second has passed since the last one; cheap enough to call per request. */
  tick(): void {
    const t = this.#now();
    const last = this.#ring[this.#ring.length - 1]!;
    if (t - last.t < 1000) return;
    this.#ring.push({ t, announces: this.#tracker.counters.announces });
    if (this.#ring.length > 61) this.#ring.shift();
  }

  #history(): number[] {
    const out: number[] = [];
    for (let i = 1; i < this.#ring.length; i++) {
      const a = this.#ring[i - 1]!, b = this.#ring[i]!;
      out.push(Math.round(((b.announces - a.announces) / Math.max(1, b.t - a.t)) * 10_000) / 10);
    }
    return out;
  }

  async snapshot(): Promise<StatsSnapshot> {
    this.tick();
    const t = this.#now();
    const c = this.#tracker.counters;
    const oldest = this.#ring[0]!;
    const span = Math.max(1, t - oldest.t) / 1000;
    if (!this.#cached || t - this.#cached.t >= this.#cacheMs) {
      const stats = this.#tracker.store.stats();
      this.#cached = { t, stats };
      // A failed reading is not kept: the next request asks the store again.
      stats.catch(() => { this.#cached = undefined; });
    }
    const s = await this.#cached.stats;
    return {
      swarms: s.swarms,
      seeders: s.seeders,
      leechers: s.leechers,
      peers: s.seeders + s.leechers,
      announces: c.announces,
      scrapes: c.scrapes,
      udpConnects: c.connects,
      failures: c.failures,
      dropped: c.dropped,
      announcesPerSecond: Math.round(((c.announces - oldest.announces) / span) * 10) / 10,
      rateHistory: this.#history(),
      uptimeSeconds: Math.floor((t - this.#started) / 1000),
      store: this.#storeName,
      time: new Date(t).toISOString(),
    };
  }
}
