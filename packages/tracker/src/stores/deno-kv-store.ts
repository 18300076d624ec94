// SwarmStore on Deno KV (Deno Deploy, or a local `Deno.openKv()` file). Every announce is one atomic
// KV transaction, checked on the peer's own entries and retried on conflict; counters use commutative
// `sum` mutations so busy swarms do not conflict on them. An expiry index lets `expire()` drop silent
// peers with exact counter updates. Peers deliberately carry no KV `expireIn`: KV deleting a peer
// behind the sweep's back would leave its swarm's counters counting it forever.
// Runtime-neutral: pass any object with the Deno.Kv API (Deno.openKv(), or npm `@deno/kv`).
import { TrackerError } from '../errors.ts';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from '../store.ts';

type KvKeyPart = Uint8Array | string | number | bigint | boolean;
type KvKey = readonly KvKeyPart[];
interface KvEntry<T> { key: KvKey; value: T | null; versionstamp: string | null }
interface KvAtomic {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomic;
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): KvAtomic;
  delete(key: KvKey): KvAtomic;
  sum(key: KvKey, n: bigint): KvAtomic;
  commit(): Promise<{ ok: boolean }>;
}

/** The slice of `Deno.Kv` this store uses. */
export interface KvLike {
  getMany(keys: readonly KvKey[]): Promise<KvEntry<unknown>[]>;
  list(selector: { prefix?: KvKey; start?: KvKey; end?: KvKey }, options?: { limit?: number }): AsyncIterable<KvEntry<unknown>>;
  atomic(): KvAtomic;
  close(): void;
}

/** A peer as stored. */
interface PeerValue { addr: Uint8Array; key: number; expires: number }

/** Options of {@link DenoKvSwarmStore}. */
export interface DenoKvSwarmStoreOptions {
  /** An open KV database (`await Deno.openKv()`). */
  kv: KvLike;
  /** First key part of everything this store writes. Default `tk`. */
  prefix?: string;
  /** Refuse new peers in a swarm beyond this many. Default 10,000. */
  maxPeersPerSwarm?: number;
  /** Refuse new swarms beyond this many (approximate under concurrency). Default 100,000. */
  maxSwarms?: number;
  /** Close the KV database in `close()`. Default false. */
  ownsKv?: boolean;
}

const U64 = (globalThis as { Deno?: { KvU64: new (v: bigint) => unknown } }).Deno?.KvU64;
const TWO64 = 1n << 64n;

function signed(v: unknown): number {
  const raw = v && typeof v === 'object' && 'value' in v ? (v as { value: bigint }).value : 0n;
  const n = raw >= TWO64 / 2n ? raw - TWO64 : raw;
  return Math.max(0, Number(n));
}

const EMPTY = new Uint8Array(0);
/** Index entries read per list() call of a sweep, and most handled per expire() call. */
const SWEEP_BATCH = 1000, SWEEP_MAX = 10_000;

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(parts.length * size);
  parts.forEach((p, i) => out.set(p, i * size));
  return out;
}

/** A {@link SwarmStore} on Deno KV. */
export class DenoKvSwarmStore implements SwarmStore {
  readonly #kv: KvLike;
  readonly #p: string;
  readonly #maxPeers: number;
  readonly #maxSwarms: number;
  readonly #ownsKv: boolean;
  /** The last sweep stopped at its per-call limit with expired peers left. */
  #backlog = false;
  /** A sweep started by announce() to work off a backlog. */
  #catchUp: Promise<unknown> | null = null;

  constructor(options: DenoKvSwarmStoreOptions) {
    if (!U64) throw new TypeError('DenoKvSwarmStore needs the Deno runtime (Deno.KvU64)');
    this.#kv = options.kv;
    this.#p = options.prefix ?? 'tk';
    this.#maxPeers = options.maxPeersPerSwarm ?? 10_000;
    this.#maxSwarms = options.maxSwarms ?? 100_000;
    this.#ownsKv = options.ownsKv ?? false;
  }

  /** A counter delta for `sum`: unsigned 64-bit, so a decrement wraps around (two's complement). */
  #u64(n: number): bigint {
    return n < 0 ? TWO64 + BigInt(n) : BigInt(n);
  }

  async announce(r: StoreAnnounce): Promise<StoreAnnounceResult> {
    const p = this.#p, ih = r.infoHash, id = r.peerId;
    const h = mix32(id);
    const sKey = [p, 's', ih, h, id], lKey = [p, 'l', ih, h, id];
    const cS = [p, 'n', ih, 's'], cL = [p, 'n', ih, 'l'], cD = [p, 'n', ih, 'd'];
    const addr = new Uint8Array(r.ip.length + 2);
    addr.set(r.ip, 0);
    addr[r.ip.length] = r.port >>> 8;
    addr[r.ip.length + 1] = r.port & 255;
    const key = r.key >>> 0;
    const expires = r.now + r.ttl;
    // A sweep that hit its limit continues now rather than on the tracker's next timed sweep, so a
    // burst of expiries does not keep dead peers counted (and swarms full) for minutes.
    if (this.#backlog && !this.#catchUp) {
      this.#catchUp = this.expire(r.now).catch(() => {}).finally(() => { this.#catchUp = null; });
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const [se, le, ns, nl, nd, tw] = await this.#kv.getMany([sKey, lKey, cS, cL, cD, [p, 't', 'w']]);
      const old = (se!.value ?? le!.value) as PeerValue | null;
      const wasSeeder = se!.value !== null;
      let seeders = signed(ns!.value), leechers = signed(nl!.value), downloaded = signed(nd!.value);
      let seeder = r.seeder;
      let stranger = false;
      if (old && old.key !== 0 && old.key !== key && !sameBytes(old.addr, addr)) { stranger = true; seeder = wasSeeder; }
      if (!stranger) {
        const tx = this.#kv.atomic().check(se!, le!);
        let recheck = false;
        if (old) tx.delete([p, 'x', old.expires, ih, id]);
        if (r.event === 'stopped') {
          if (old) {
            tx.delete(wasSeeder ? sKey : lKey);
            recheck = this.#leave(tx, ih, wasSeeder, ns!, nl!);
            if (wasSeeder) seeders--; else leechers--;
          }
        } else {
          if (!old) {
            if (seeders + leechers >= this.#maxPeers) throw new TrackerError('TRACKER_SWARM_FULL', 'torrent has too many peers');
            // A first peer must not race another first peer (both would count the swarm), nor a
            // second one the last peer's departure (which deletes the counter keys).
            if (seeders + leechers <= 1) tx.check(ns!, nl!);
            if (seeders + leechers === 0) {
              if (signed(tw!.value) >= this.#maxSwarms) throw new TrackerError('TRACKER_TOO_MANY_SWARMS', 'tracker is tracking too many torrents');
              tx.sum([p, 't', 'w'], this.#u64(1));
            }
          }
          const value: PeerValue = { addr, key, expires };
          if (old && wasSeeder !== seeder) tx.delete(wasSeeder ? sKey : lKey);
          tx.set(seeder ? sKey : lKey, value);
          tx.set([p, 'x', expires, ih, id], seeder ? 1 : 0);
          const dS = (seeder ? 1 : 0) - (old && wasSeeder ? 1 : 0);
          const dL = (seeder ? 0 : 1) - (old && !wasSeeder ? 1 : 0);
          if (dS) this.#add(tx, cS, ns!, dS).sum([p, 't', 's'], this.#u64(dS));
          if (dL) this.#add(tx, cL, nl!, dL).sum([p, 't', 'l'], this.#u64(dL));
          seeders += dS; leechers += dL;
          if (r.event === 'completed' && seeder && !wasSeeder) { tx.sum(cD, this.#u64(1)); downloaded++; }
        }
        if (!(await tx.commit()).ok) continue;
        if (recheck) await this.#dropIfEmpty(ih);
      }
      const result: StoreAnnounceResult = { complete: seeders, incomplete: leechers, downloaded, peers4: EMPTY, peers6: EMPTY };
      if (r.withPeerIds) { result.peerIds4 = EMPTY; result.peerIds6 = EMPTY; }
      if (r.numwant > 0 && (r.event !== 'stopped' || stranger)) await this.#sample(r, seeder, seeders, leechers, result);
      return result;
    }
    throw new TrackerError('TRACKER_STORE_BUSY', 'swarm is too busy, try again');
  }

  /**
   * Random fair sample: each list (seeders, leechers) is read from a random starting peer id,
   * wrapping around, in proportion to its size.
   */
  async #sample(r: StoreAnnounce, seeder: boolean, seeders: number, leechers: number, out: StoreAnnounceResult): Promise<void> {
    const poolS = seeder ? 0 : seeders;
    const total = poolS + leechers;
    if (total === 0) return;
    let wantS = Math.round((r.numwant * poolS) / total);
    let wantL = r.numwant - wantS;
    if (wantL > leechers) { wantS += wantL - leechers; wantL = leechers; }
    wantS = Math.min(wantS, poolS);
    const picked: { value: PeerValue; id: Uint8Array }[] = [];
    const take = async (kind: 's' | 'l', n: number) => {
      if (n <= 0) return;
      const base = [this.#p, kind, r.infoHash];
      // Peers sort by a hash of their id, so a random pivot starts the read at a random peer.
      const pivot = crypto.getRandomValues(new Uint32Array(1))[0]!;
      const got: { value: PeerValue; id: Uint8Array }[] = [];
      const ranges = [{ start: [...base, pivot], end: [...base, 2 ** 32] }, { prefix: base, end: [...base, pivot] }];
      for (const sel of ranges) {
        for await (const e of this.#kv.list(sel as never, { limit: n + 1 - got.length })) {
          const v = e.value as PeerValue;
          const pid = e.key[e.key.length - 1] as Uint8Array;
          if (v.expires > r.now && !sameBytes(pid, r.peerId)) got.push({ value: v, id: pid });
          if (got.length >= n) break;
        }
        if (got.length >= n) break;
      }
      picked.push(...got.slice(0, n));
    };
    await Promise.all([take('s', wantS), take('l', wantL)]);
    const a4: Uint8Array[] = [], a6: Uint8Array[] = [], i4: Uint8Array[] = [], i6: Uint8Array[] = [];
    for (const { value, id } of picked.slice(0, r.numwant)) {
      if (value.addr.length === 6) { a4.push(value.addr); i4.push(id); } else { a6.push(value.addr); i6.push(id); }
    }
    out.peers4 = concat(a4, 6);
    out.peers6 = concat(a6, 18);
    if (r.withPeerIds) { out.peerIds4 = concat(i4, 20); out.peerIds6 = concat(i6, 20); }
  }

  async scrape(infoHashes: readonly Uint8Array[], _now: number): Promise<ScrapeEntry[]> {
    const p = this.#p;
    const keys = infoHashes.flatMap((ih) => [[p, 'n', ih, 's'], [p, 'n', ih, 'l'], [p, 'n', ih, 'd']]);
    const out: ScrapeEntry[] = [];
    // getMany takes at most 10 keys per call.
    for (let i = 0; i < keys.length; i += 9) {
      const rows = await this.#kv.getMany(keys.slice(i, i + 9));
      for (let k = 0; k < rows.length; k += 3) {
        out.push({ complete: signed(rows[k]!.value), incomplete: signed(rows[k + 1]!.value), downloaded: signed(rows[k + 2]!.value) });
      }
    }
    return out;
  }

  async expire(now: number): Promise<number> {
    const p = this.#p;
    let removed = 0, seen = 0;
    // Bounded per call (the expiry index is ordered by time, so the oldest go first); what is left
    // is flagged as backlog, which the next announce starts working off.
    for (;;) {
      let batch = 0;
      for await (const e of this.#kv.list({ start: [p, 'x'], end: [p, 'x', now + 1] }, { limit: SWEEP_BATCH })) {
        batch++;
        if (await this.#expireOne(e.key as [string, string, number, Uint8Array, Uint8Array], e.value === 1)) removed++;
      }
      seen += batch;
      this.#backlog = batch === SWEEP_BATCH && seen >= SWEEP_MAX;
      if (batch < SWEEP_BATCH || this.#backlog) return removed;
    }
  }

  /** Removes one expiry index entry and, when it still describes the peer, the peer. */
  async #expireOne(xKey: [string, string, number, Uint8Array, Uint8Array], seeder: boolean): Promise<boolean> {
    const p = this.#p;
    const [, , expires, ih, id] = xKey;
    const peerKey = [p, seeder ? 's' : 'l', ih, mix32(id), id];
    for (let attempt = 0; attempt < 20; attempt++) {
      const [pe, ns, nl] = await this.#kv.getMany([peerKey, [p, 'n', ih, 's'], [p, 'n', ih, 'l']]);
      const tx = this.#kv.atomic().check(pe!).delete(xKey);
      const v = pe!.value as PeerValue | null;
      if (!v || v.expires !== expires) {
        // A stale entry: the peer left or re-announced (which indexed it anew).
        await tx.commit();
        return false;
      }
      const recheck = this.#leave(tx.delete(peerKey), ih, seeder, ns!, nl!);
      if (!(await tx.commit()).ok) continue;
      if (recheck) await this.#dropIfEmpty(ih);
      return true;
    }
    return false;
  }

  /**
   * Counts one peer out of its swarm in `tx`. The swarm's last peer deletes the counter keys (checked,
   * so no peer joined meanwhile) rather than leaving zeros behind for every info hash ever seen.
   * Returns true when the swarm may have emptied under concurrent departures (see #dropIfEmpty).
   */
  #leave(tx: KvAtomic, ih: Uint8Array, seeder: boolean, ns: KvEntry<unknown>, nl: KvEntry<unknown>): boolean {
    const p = this.#p;
    tx.sum([p, 't', seeder ? 's' : 'l'], this.#u64(-1));
    if (signed(ns.value) + signed(nl.value) <= 1) {
      tx.check(ns, nl).delete([p, 'n', ih, 's']).delete([p, 'n', ih, 'l']).sum([p, 't', 'w'], this.#u64(-1));
      return false;
    }
    const [key, entry] = seeder ? [[p, 'n', ih, 's'], ns] : [[p, 'n', ih, 'l'], nl];
    this.#add(tx, key, entry, -1);
    return true;
  }

  /** Adds `n` to a counter; a counter that would reach 0 is deleted instead (checked at 1). */
  #add(tx: KvAtomic, key: KvKey, entry: KvEntry<unknown>, n: number): KvAtomic {
    if (n < 0 && signed(entry.value) + n <= 0) return tx.check(entry).delete(key);
    return tx.sum(key, this.#u64(n));
  }

  /**
   * Two peers leaving at once each see the other still counted and both decrement with `sum`, which
   * can leave a swarm at zero with its keys (and its place in the swarm total) still there. The last
   * of them to commit sees that here and frees the swarm.
   */
  async #dropIfEmpty(ih: Uint8Array): Promise<void> {
    const p = this.#p, cS = [p, 'n', ih, 's'], cL = [p, 'n', ih, 'l'];
    const [ns, nl] = await this.#kv.getMany([cS, cL]);
    if (signed(ns!.value) + signed(nl!.value) > 0 || (ns!.versionstamp === null && nl!.versionstamp === null)) return;
    await this.#kv.atomic().check(ns!, nl!).delete(cS).delete(cL).sum([p, 't', 'w'], this.#u64(-1)).commit();
  }

  async stats(): Promise<StoreStats> {
    const p = this.#p;
    const [w, s, l] = await this.#kv.getMany([[p, 't', 'w'], [p, 't', 's'], [p, 't', 'l']]);
    return { swarms: signed(w!.value), seeders: signed(s!.value), leechers: signed(l!.value) };
  }

  async close(): Promise<void> {
    await this.#catchUp;
    if (this.#ownsKv) this.#kv.close();
  }
}

/**
 * FNV-1a of the peer id, then murmur3's finalizer so that ids differing only in their last bytes
 * still spread over the whole 32-bit key space (a random pivot must land anywhere among peers).
 */
function mix32(id: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
