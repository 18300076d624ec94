// The default SwarmStore: every swarm in this process's memory, packed per swarm into typed arrays
// (see swarm.ts). Zero setup; use a remote store when several tracker processes must share swarms.
import { TrackerError } from '../errors.ts';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from '../store.ts';
import { Swarm } from './swarm.ts';

/** Options of {@link MemorySwarmStore}. */
export interface MemorySwarmStoreOptions {
  /** Most swarms held at once; announces that would create another are refused. Default 1,000,000. */
  maxSwarms?: number;
  /** Most peers per swarm; new peers beyond it are refused. Default 100,000. */
  maxPeersPerSwarm?: number;
  /** Completion counts remembered for swarms that emptied, so scrape `downloaded` survives. Default 100,000. */
  maxRetiredCounts?: number;
}

const EMPTY = new Uint8Array(0);

/** Info hash bytes as a 20-char binary string: a cheap Map key. */
function hashKey(infoHash: Uint8Array): string {
  return String.fromCharCode.apply(null, infoHash as unknown as number[]);
}

/**
 * In-memory {@link SwarmStore}. Peers cost well under 200 bytes each (measured in memory.test.ts),
 * empty swarms are freed, and silent peers go away on {@link MemorySwarmStore.expire}.
 */
export class MemorySwarmStore implements SwarmStore {
  private readonly swarms = new Map<string, Swarm>();
  /** downloaded counts of swarms that were freed, oldest first. */
  private readonly retired = new Map<string, number>();
  private readonly maxSwarms: number;
  private readonly maxPeers: number;
  private readonly maxRetired: number;
  private readonly seed = (Math.random() * 0x100000000) >>> 0;
  private seeders = 0;
  private leechers = 0;

  constructor(options: MemorySwarmStoreOptions = {}) {
    this.maxSwarms = options.maxSwarms ?? 1_000_000;
    this.maxPeers = options.maxPeersPerSwarm ?? 100_000;
    this.maxRetired = options.maxRetiredCounts ?? 100_000;
  }

  /** Synchronous core of {@link announce}; the tracker core calls it directly to skip a promise. */
  announceSync(r: StoreAnnounce): StoreAnnounceResult {
    const key = hashKey(r.infoHash);
    let swarm = this.swarms.get(key);
    const expires = Math.ceil((r.now + r.ttl) / 1000);
    let slot = swarm ? swarm.find(r.peerId) : -1;
    let stranger = false;

    if (slot >= 0) {
      const s = swarm!;
      // A known peer id from a new address must prove itself with the same `key` (BEP 3 `key`).
      if (s.addressDiffers(slot, r.ip, r.port)) {
        const stored = s.keyOf(slot);
        if (stored !== 0 && stored !== r.key) stranger = true;
        else s.setAddress(slot, r.ip, r.port);
      }
      if (!stranger) {
        const wasSeeder = slot < s.seeders;
        if (r.event === 'stopped') {
          if (wasSeeder) this.seeders--; else this.leechers--;
          s.remove(slot);
          slot = -1;
        } else {
          s.refresh(slot, expires);
          if (r.seeder && !wasSeeder) {
            slot = s.makeSeeder(slot);
            this.leechers--; this.seeders++;
          } else if (!r.seeder && wasSeeder) {
            slot = s.makeLeecher(slot);
            this.seeders--; this.leechers++;
          }
          if (r.event === 'completed' && r.seeder && !wasSeeder) s.downloaded++;
        }
      }
    } else if (r.event !== 'stopped') {
      if (!swarm) {
        if (this.swarms.size >= this.maxSwarms) {
          throw new TrackerError('TRACKER_TOO_MANY_SWARMS', 'tracker is tracking too many torrents');
        }
        swarm = new Swarm(this.seed);
        const old = this.retired.get(key);
        if (old !== undefined) {
          swarm.downloaded = old;
          this.retired.delete(key);
        }
        this.swarms.set(key, swarm);
      }
      if (swarm.size >= this.maxPeers) {
        throw new TrackerError('TRACKER_SWARM_FULL', 'torrent has too many peers');
      }
      slot = swarm.insert(r.peerId, r.ip, r.port, r.seeder, expires, r.key);
      if (r.seeder) this.seeders++; else this.leechers++;
      if (r.event === 'completed' && r.seeder) swarm.downloaded++;
    }

    if (!swarm) return { complete: 0, incomplete: 0, downloaded: this.retired.get(key) ?? 0, peers4: EMPTY, peers6: EMPTY };
    const sample = r.numwant > 0 && r.event !== 'stopped'
      ? swarm.sample(r.numwant, slot, r.seeder, r.withPeerIds)
      : { peers4: EMPTY, peers6: EMPTY, peerIds4: r.withPeerIds ? EMPTY : undefined, peerIds6: r.withPeerIds ? EMPTY : undefined };
    const result: StoreAnnounceResult = {
      complete: swarm.seeders,
      incomplete: swarm.size - swarm.seeders,
      downloaded: swarm.downloaded,
      peers4: sample.peers4,
      peers6: sample.peers6,
    };
    if (sample.peerIds4) result.peerIds4 = sample.peerIds4;
    if (sample.peerIds6) result.peerIds6 = sample.peerIds6;
    if (swarm.size === 0) this.free(key, swarm);
    return result;
  }

  announce(request: StoreAnnounce): Promise<StoreAnnounceResult> {
    try {
      return Promise.resolve(this.announceSync(request));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Synchronous core of {@link scrape}. */
  scrapeSync(infoHashes: readonly Uint8Array[]): ScrapeEntry[] {
    return infoHashes.map((h) => {
      const key = hashKey(h);
      const s = this.swarms.get(key);
      if (s) return { complete: s.seeders, incomplete: s.size - s.seeders, downloaded: s.downloaded };
      return { complete: 0, incomplete: 0, downloaded: this.retired.get(key) ?? 0 };
    });
  }

  scrape(infoHashes: readonly Uint8Array[], _now: number): Promise<ScrapeEntry[]> {
    return Promise.resolve(this.scrapeSync(infoHashes));
  }

  /** Synchronous core of {@link expire}. */
  expireSync(now: number): number {
    const nowSec = Math.floor(now / 1000);
    let removed = 0;
    for (const [key, swarm] of this.swarms) {
      const seeders = swarm.seeders;
      const size = swarm.size;
      const n = swarm.expire(nowSec);
      if (n === 0) continue;
      removed += n;
      this.seeders -= seeders - swarm.seeders;
      this.leechers -= (size - seeders) - (swarm.size - swarm.seeders);
      if (swarm.size === 0) this.free(key, swarm);
    }
    return removed;
  }

  expire(now: number): Promise<number> {
    return Promise.resolve(this.expireSync(now));
  }

  private free(key: string, swarm: Swarm): void {
    this.swarms.delete(key);
    if (swarm.downloaded > 0) {
      this.retired.set(key, swarm.downloaded);
      if (this.retired.size > this.maxRetired) {
        this.retired.delete(this.retired.keys().next().value!);
      }
    }
  }

  /** Synchronous core of {@link stats}. */
  statsSync(): StoreStats {
    return { swarms: this.swarms.size, seeders: this.seeders, leechers: this.leechers };
  }

  stats(): Promise<StoreStats> {
    return Promise.resolve(this.statsSync());
  }

  /** Bytes held by the peer arrays of every swarm (excludes per-swarm object and Map overhead). */
  peerBytes(): number {
    let total = 0;
    for (const s of this.swarms.values()) total += s.byteSize();
    return total;
  }

  close(): Promise<void> {
    this.swarms.clear();
    this.retired.clear();
    this.seeders = 0;
    this.leechers = 0;
    return Promise.resolve();
  }
}
