// SwarmStore on Redis: several tracker processes (or machines) share swarms through one server.
// Each announce is a single EVALSHA (redis-scripts.ts), so it is atomic; peers are stored as compact
// bytes; expiry rides on sorted-set scores plus Redis TTLs. Runtime-neutral: the socket is injected
// (see redis-node.ts for the node:net one).
import { TrackerError } from '../errors.ts';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from '../store.ts';
import { RedisClient, type RedisConnector } from './redis-client.ts';
import type { RedisReply } from './redis-resp.ts';
import { announceScript, sweepScript } from './redis-scripts.ts';

/** Options of {@link RedisSwarmStore}. */
export interface RedisSwarmStoreOptions {
  /** `redis://[user[:password]@]host[:port][/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** How to open a TCP socket (e.g. `connectNodeSocket`). Ignored when `client` is given. */
  connect?: RedisConnector;
  /** An existing client to share. The store does not close a client it did not create. */
  client?: RedisClient;
  /** Prefix of every key, so several trackers can share one database. Default `tk:`. */
  prefix?: string;
  /** Refuse new swarms beyond this many live ones (swarms with an unexpired peer). Default 1,000,000. */
  maxSwarms?: number;
  /** Refuse new peers in a swarm beyond this many. Default 100,000. */
  maxPeersPerSwarm?: number;
  /**
   * Redis TTL of a swarm's keys after its last announce, in ms, as a backstop for when no tracker
   * sweeps. Default: three times the announce ttl.
   */
  keyTtlMs?: number;
  /** Most swarms freed by one `expire()` call. Default 1,000. */
  sweepLimit?: number;
}

const hexChars = '0123456789abcdef';
const hexTable: string[] = [];
for (let i = 0; i < 256; i++) hexTable.push(hexChars[i >> 4]! + hexChars[i & 15]!);

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += hexTable[bytes[i]!];
  return s;
}

const empty = new Uint8Array(0);

function num(r: RedisReply | undefined): number {
  if (typeof r === 'number') return r;
  if (r instanceof Uint8Array || typeof r === 'string') {
    const n = Number(typeof r === 'string' ? r : new TextDecoder().decode(r));
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

/** A {@link SwarmStore} backed by a Redis server (standalone; 6.2 or newer for ZRANDMEMBER/ZADD GT). */
export class RedisSwarmStore implements SwarmStore {
  readonly client: RedisClient;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #maxSwarms: number;
  readonly #maxPeers: number;
  readonly #keyTtl: number | undefined;
  readonly #sweepLimit: number;
  readonly #swarmsKey: string;
  readonly #statsKey: string;

  constructor(options: RedisSwarmStoreOptions) {
    if (options.client) {
      this.client = options.client;
      this.#ownsClient = false;
    } else {
      if (!options.connect) throw new TypeError('RedisSwarmStore needs `connect` (e.g. connectNodeSocket) or `client`');
      this.client = new RedisClient({ url: options.url ?? 'redis://127.0.0.1:6379', connect: options.connect });
      this.#ownsClient = true;
    }
    this.#prefix = options.prefix ?? 'tk:';
    this.#maxSwarms = options.maxSwarms ?? 1_000_000;
    this.#maxPeers = options.maxPeersPerSwarm ?? 100_000;
    this.#keyTtl = options.keyTtlMs;
    this.#sweepLimit = options.sweepLimit ?? 1000;
    this.#swarmsKey = `${this.#prefix}swarms`;
    this.#statsKey = `${this.#prefix}stats`;
  }

  async announce(req: StoreAnnounce): Promise<StoreAnnounceResult> {
    const ih = toHex(req.infoHash);
    const base = `${this.#prefix}{${ih}}:`;
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, req.key >>> 0);
    const addr = new Uint8Array(req.ip.length + 2);
    addr.set(req.ip, 0);
    addr[req.ip.length] = req.port >>> 8;
    addr[req.ip.length + 1] = req.port & 0xff;
    let reply: RedisReply;
    try {
      reply = await this.client.eval(
        announceScript,
        [`${base}p`, `${base}s`, `${base}l`, `${base}d`, this.#swarmsKey, this.#statsKey],
        [ih, req.peerId, key, addr, req.seeder ? '1' : '0', req.event, req.numwant, req.now, req.now + req.ttl,
          this.#keyTtl ?? Math.max(req.ttl * 3, 60_000), this.#maxSwarms, this.#maxPeers, req.withPeerIds ? '1' : '0',
          Math.random().toFixed(8), Math.random().toFixed(8)],
      );
    } catch (e) {
      throw trackerCodeOf(e);
    }
    if (!Array.isArray(reply)) throw new TrackerError('REDIS_PROTOCOL', 'announce script returned a non-array');
    const members = Array.isArray(reply[3]) ? reply[3] : [];
    let n4 = 0, n6 = 0;
    for (const m of members) if (m instanceof Uint8Array) { if (m.length === 26) n4++; else if (m.length === 38) n6++; }
    const peers4 = new Uint8Array(n4 * 6), peers6 = new Uint8Array(n6 * 18);
    const ids4 = req.withPeerIds ? new Uint8Array(n4 * 20) : empty, ids6 = req.withPeerIds ? new Uint8Array(n6 * 20) : empty;
    let i4 = 0, i6 = 0;
    for (const m of members) {
      if (!(m instanceof Uint8Array)) continue;
      if (m.length === 26) {
        peers4.set(m.subarray(0, 6), i4 * 6);
        if (req.withPeerIds) ids4.set(m.subarray(6), i4 * 20);
        i4++;
      } else if (m.length === 38) {
        peers6.set(m.subarray(0, 18), i6 * 18);
        if (req.withPeerIds) ids6.set(m.subarray(18), i6 * 20);
        i6++;
      }
    }
    const out: StoreAnnounceResult = { complete: num(reply[0]), incomplete: num(reply[1]), downloaded: num(reply[2]), peers4, peers6 };
    if (req.withPeerIds) {
      out.peerIds4 = ids4;
      out.peerIds6 = ids6;
    }
    return out;
  }

  async scrape(infoHashes: readonly Uint8Array[], now: number): Promise<ScrapeEntry[]> {
    // Plain commands, pipelined: counts are read-only and need no atomicity across swarms.
    const since = `(${now}`;
    const jobs = infoHashes.map((h) => {
      const base = `${this.#prefix}{${toHex(h)}}:`;
      return Promise.all([
        this.client.command(['ZCOUNT', `${base}s`, since, '+inf']),
        this.client.command(['ZCOUNT', `${base}l`, since, '+inf']),
        this.client.command(['GET', `${base}d`]),
      ]);
    });
    const rows = await Promise.all(jobs);
    return rows.map(([s, l, d]) => ({ complete: num(s), incomplete: num(l), downloaded: num(d) }));
  }

  async expire(now: number): Promise<number> {
    let removed = 0;
    // A few bounded rounds, so one call never blocks Redis for long.
    for (let round = 0; round < 10; round++) {
      const r = await this.client.eval(sweepScript, [this.#swarmsKey, this.#statsKey], [this.#prefix, now, this.#sweepLimit]);
      const freed = Array.isArray(r) ? num(r[0]) : 0;
      removed += Array.isArray(r) ? num(r[1]) : 0;
      if (freed < this.#sweepLimit) break;
    }
    return removed;
  }

  async stats(): Promise<StoreStats> {
    const [swarms, counts] = await Promise.all([
      this.client.command(['ZCARD', this.#swarmsKey]),
      this.client.command(['HMGET', this.#statsKey, 'seeders', 'leechers']),
    ]);
    const c = Array.isArray(counts) ? counts : [];
    return { swarms: num(swarms), seeders: Math.max(0, num(c[0])), leechers: Math.max(0, num(c[1])) };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.client.close();
  }
}

/** Turns a `TRACKER_...` error reply from a script into a TrackerError with that code. */
function trackerCodeOf(e: unknown): unknown {
  if (e instanceof TrackerError && e.code === 'REDIS_REPLY') {
    const m = /^(TRACKER_[A-Z_]+) (.*)$/.exec(e.message);
    if (m) return new TrackerError(m[1]!, m[2]!);
  }
  return e;
}
