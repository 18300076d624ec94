// The SwarmStore contract: where a tracker keeps, per info hash, who is seeding and who is leeching.
// The tracker core (server.ts) validates and caps every request before it reaches a store, so a store
// may trust its input's shape; it still owns its own capacity limits. Methods are async so that remote
// stores (Redis, Durable Objects, Deno KV) implement the same interface as the in-memory one.

/** The events a client can send (BEP 3). `none` is a regular periodic announce. */
export type AnnounceEvent = 'none' | 'started' | 'stopped' | 'completed';

/** One announce as a store sees it: already validated by the tracker core. */
export interface StoreAnnounce {
  /** 20-byte info hash. */
  infoHash: Uint8Array;
  /** 20-byte peer id: the peer's identity inside a swarm. */
  peerId: Uint8Array;
  /** The peer's address: 4 bytes (IPv4) or 16 bytes (IPv6). IPv4-mapped IPv6 arrives as 4 bytes. */
  ip: Uint8Array;
  /** TCP port, 1..65535. */
  port: number;
  /** `left === 0`: the peer has everything. */
  seeder: boolean;
  event: AnnounceEvent;
  /** How many peers to return, already capped by the tracker. 0 is allowed (stopped, scrape-like). */
  numwant: number;
  /**
   * 32-bit digest of the client's `key` parameter, or 0 when absent. A store may refuse to move an
   * existing peer to a new address when the key does not match (spoofing protection).
   */
  key: number;
  /** Also return the peer ids of the sampled peers (non-compact replies). */
  withPeerIds: boolean;
  /** Current time in milliseconds (injected, so stores stay deterministic under test). */
  now: number;
  /** The peer expires this many milliseconds after `now` unless it announces again. */
  ttl: number;
}

/**
 * The answer to one announce. The announcer itself is never in the lists, and a seeding announcer
 * gets no seeders. Counts include the announcer (after the announce took effect).
 */
export interface StoreAnnounceResult {
  /** Seeders in the swarm. */
  complete: number;
  /** Leechers in the swarm. */
  incomplete: number;
  /** Completed downloads counted for this swarm (`event=completed`). */
  downloaded: number;
  /** IPv4 peers, compact (BEP 23): 4-byte address + 2-byte big-endian port each. */
  peers4: Uint8Array;
  /** IPv6 peers, compact (BEP 7): 16-byte address + 2-byte big-endian port each. */
  peers6: Uint8Array;
  /** With `withPeerIds`: the 20-byte peer ids of `peers4`, in the same order. */
  peerIds4?: Uint8Array;
  /** With `withPeerIds`: the 20-byte peer ids of `peers6`, in the same order. */
  peerIds6?: Uint8Array;
}

/** Scrape figures of one swarm (BEP 48). Unknown swarms are all zeros. */
export interface ScrapeEntry {
  complete: number;
  incomplete: number;
  downloaded: number;
}

/** Totals over a whole store, for /stats pages and metrics. */
export interface StoreStats {
  swarms: number;
  seeders: number;
  leechers: number;
}

/**
 * Where a tracker keeps its swarms. Implementations: `MemorySwarmStore` (default), and remote ones
 * (Redis, Durable Objects, Deno KV) in `src/stores/`.
 *
 * Errors: a store throws `TrackerError` with code `TRACKER_TOO_MANY_SWARMS` or
 * `TRACKER_SWARM_FULL` when a capacity limit refuses a *new* peer; the tracker core turns that into a
 * `failure reason`. Existing peers are never refused.
 */
export interface SwarmStore {
  /**
   * Apply one announce: insert or update the peer (or remove it on `stopped`), count a completion on
   * `completed` when the announce has `left` 0 and the peer was leeching or unknown (so one peer
   * repeating `completed` counts once), and return counts plus a random sample
   * of at most `numwant` other peers (no seeders when the announcer seeds).
   */
  announce(request: StoreAnnounce): Promise<StoreAnnounceResult>;
  /** Figures for each info hash, in the order given. */
  scrape(infoHashes: readonly Uint8Array[], now: number): Promise<ScrapeEntry[]>;
  /**
   * Drop peers whose ttl has passed and free swarms left empty. Stores with native expiry (Redis
   * TTLs, storage alarms) may make this a no-op. Returns how many peers were removed, when known.
   */
  expire(now: number): Promise<number>;
  /** Totals over the store (may be approximate for remote stores). */
  stats(): Promise<StoreStats>;
  /** Release connections and timers. */
  close(): Promise<void>;
}
