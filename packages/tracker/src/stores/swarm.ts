// One swarm's peers, packed into typed arrays so a tracker holds a million peers in well under
// 200 bytes each. Slots [0, seeders) are seeders and [seeders, size) leechers, so a seeding announcer
// can be given leechers only in O(numwant). Peers are found by peer id through an open-addressing
// hash table (linear probing, backward-shift deletion) of slot numbers: no per-peer JS objects.

const ID = 20; // bytes of a peer id
const ADDR = 18; // bytes per address slot: 4+2 (IPv4) or 16+2 (IPv6) compact form, left-aligned
const FLAG_V6 = 1;

/** A 32-bit hash of a 20-byte peer id, salted per store so chosen ids cannot be made to collide cheaply. */
export function hashId(id: Uint8Array, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < ID; i += 4) {
    const w = id[i]! | (id[i + 1]! << 8) | (id[i + 2]! << 16) | (id[i + 3]! << 24);
    h = Math.imul(h ^ w, 0x9e3779b1);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x85ebca6b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Peers of one info hash. Not exported from the package: MemorySwarmStore is the public face. */
export class Swarm {
  size = 0;
  seeders = 0;
  downloaded = 0;
  private cap: number;
  private ids: Uint8Array;
  private addrs: Uint8Array;
  private flags: Uint8Array;
  private expires: Uint32Array;
  private keys: Uint32Array;
  private table: Int32Array;
  private readonly seed: number;

  constructor(seed: number, capacity = 4) {
    this.seed = seed;
    this.cap = capacity;
    this.ids = new Uint8Array(capacity * ID);
    this.addrs = new Uint8Array(capacity * ADDR);
    this.flags = new Uint8Array(capacity);
    this.expires = new Uint32Array(capacity);
    this.keys = new Uint32Array(capacity);
    this.table = new Int32Array(capacity * 2).fill(-1);
  }

  /** Bytes held by this swarm's arrays (for memory accounting). */
  byteSize(): number {
    return this.ids.byteLength + this.addrs.byteLength + this.flags.byteLength +
      this.expires.byteLength + this.keys.byteLength + this.table.byteLength;
  }

  /** Slot of the peer with this id, or -1. */
  find(id: Uint8Array): number {
    const mask = this.table.length - 1;
    let i = hashId(id, this.seed) & mask;
    for (;;) {
      const s = this.table[i]!;
      if (s < 0) return -1;
      if (this.idEquals(s, id)) return s;
      i = (i + 1) & mask;
    }
  }

  private idEquals(slot: number, id: Uint8Array): boolean {
    const ids = this.ids;
    const o = slot * ID;
    for (let j = 0; j < ID; j++) if (ids[o + j] !== id[j]) return false;
    return true;
  }

  /** Table position that points at `slot` (the slot must be indexed). */
  private positionOf(slot: number): number {
    const mask = this.table.length - 1;
    let i = hashId(this.ids.subarray(slot * ID, slot * ID + ID), this.seed) & mask;
    while (this.table[i] !== slot) i = (i + 1) & mask;
    return i;
  }

  private index(slot: number): void {
    const mask = this.table.length - 1;
    let i = hashId(this.ids.subarray(slot * ID, slot * ID + ID), this.seed) & mask;
    while (this.table[i]! >= 0) i = (i + 1) & mask;
    this.table[i] = slot;
  }

  private unindex(slot: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let hole = this.positionOf(slot);
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    let i = (hole + 1) & mask;
    for (;;) {
      const s = table[i]!;
      if (s < 0) break;
      const home = hashId(this.ids.subarray(s * ID, s * ID + ID), this.seed) & mask;
      // Move s into the hole if its home position is not cyclically within (hole, i].
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        table[hole] = s;
        hole = i;
      }
      i = (i + 1) & mask;
    }
    table[hole] = -1;
  }

  /** Copy slot `from` over slot `to` (whose peer is already unindexed) and repoint the index. */
  private move(from: number, to: number): void {
    if (from === to) return;
    this.table[this.positionOf(from)] = to;
    this.ids.copyWithin(to * ID, from * ID, from * ID + ID);
    this.addrs.copyWithin(to * ADDR, from * ADDR, from * ADDR + ADDR);
    this.flags[to] = this.flags[from]!;
    this.expires[to] = this.expires[from]!;
    this.keys[to] = this.keys[from]!;
  }

  private swap(a: number, b: number): void {
    if (a === b) return;
    const pa = this.positionOf(a);
    const pb = this.positionOf(b);
    swapBytes(this.ids, a * ID, b * ID, ID);
    swapBytes(this.addrs, a * ADDR, b * ADDR, ADDR);
    swapBytes(this.flags, a, b, 1);
    const e = this.expires[a]!; this.expires[a] = this.expires[b]!; this.expires[b] = e;
    const k = this.keys[a]!; this.keys[a] = this.keys[b]!; this.keys[b] = k;
    this.table[pa] = b;
    this.table[pb] = a;
  }

  private resize(cap: number): void {
    const ids = new Uint8Array(cap * ID); ids.set(this.ids.subarray(0, this.size * ID));
    const addrs = new Uint8Array(cap * ADDR); addrs.set(this.addrs.subarray(0, this.size * ADDR));
    const flags = new Uint8Array(cap); flags.set(this.flags.subarray(0, this.size));
    const expires = new Uint32Array(cap); expires.set(this.expires.subarray(0, this.size));
    const keys = new Uint32Array(cap); keys.set(this.keys.subarray(0, this.size));
    this.ids = ids; this.addrs = addrs; this.flags = flags; this.expires = expires; this.keys = keys;
    this.cap = cap;
    this.table = new Int32Array(cap * 2).fill(-1);
    for (let s = 0; s < this.size; s++) this.index(s);
  }

  /** Add a new peer; the caller checked it is absent and that capacity limits allow it. */
  insert(id: Uint8Array, ip: Uint8Array, port: number, seeder: boolean, expires: number, key: number): number {
    if (this.size === this.cap) this.resize(this.cap * 2);
    let slot = this.size;
    this.ids.set(id, slot * ID);
    this.index(slot);
    this.size++;
    this.setAddress(slot, ip, port);
    this.expires[slot] = expires;
    this.keys[slot] = key;
    if (seeder) slot = this.makeSeeder(slot);
    return slot;
  }

  /** Remove the peer in `slot`, keeping the seeder/leecher partition packed. */
  remove(slot: number): void {
    this.unindex(slot);
    if (slot < this.seeders) {
      this.move(this.seeders - 1, slot);
      slot = --this.seeders;
    }
    this.move(this.size - 1, slot);
    this.size--;
    if (this.cap > 8 && this.size * 4 <= this.cap) this.resize(this.cap >> 1);
  }

  makeSeeder(slot: number): number {
    if (slot < this.seeders) return slot;
    this.swap(slot, this.seeders);
    return this.seeders++;
  }

  makeLeecher(slot: number): number {
    if (slot >= this.seeders) return slot;
    this.swap(slot, --this.seeders);
    return this.seeders;
  }

  refresh(slot: number, expires: number): void {
    this.expires[slot] = expires;
  }

  keyOf(slot: number): number {
    return this.keys[slot]!;
  }

  /** Whether the stored address differs from ip:port. */
  addressDiffers(slot: number, ip: Uint8Array, port: number): boolean {
    const v6 = ip.length === 16;
    if (((this.flags[slot]! & FLAG_V6) !== 0) !== v6) return true;
    const o = slot * ADDR;
    for (let j = 0; j < ip.length; j++) if (this.addrs[o + j] !== ip[j]) return true;
    return this.addrs[o + ip.length] !== port >>> 8 || this.addrs[o + ip.length + 1] !== (port & 255);
  }

  setAddress(slot: number, ip: Uint8Array, port: number): void {
    const o = slot * ADDR;
    this.addrs.set(ip, o);
    this.addrs[o + ip.length] = port >>> 8;
    this.addrs[o + ip.length + 1] = port & 255;
    this.flags[slot] = ip.length === 16 ? FLAG_V6 : 0;
  }

  /** Remove every peer whose expiry (seconds) is at or before `nowSec`; returns how many. */
  expire(nowSec: number): number {
    let dead = 0;
    for (let s = 0; s < this.size; s++) if (this.expires[s]! <= nowSec) dead++;
    if (dead === 0) return 0;
    // Many at once: rebuild the arrays and the index in one pass instead of removing one by one.
    if (dead * 8 > this.size) return this.compact(nowSec);
    let removed = 0;
    // Walk downwards: remove() only moves peers from higher slots, which were already checked.
    for (let s = this.size - 1; s >= 0; s--) {
      if (this.expires[s]! <= nowSec) {
        this.remove(s);
        removed++;
      }
    }
    return removed;
  }

  /** Keep only peers alive at `nowSec`, preserving the seeder/leecher partition; returns how many went. */
  private compact(nowSec: number): number {
    const before = this.size;
    let w = 0;
    let seeders = 0;
    for (let s = 0; s < this.size; s++) {
      if (this.expires[s]! <= nowSec) continue;
      if (s < this.seeders) seeders++;
      if (w !== s) {
        this.ids.copyWithin(w * ID, s * ID, s * ID + ID);
        this.addrs.copyWithin(w * ADDR, s * ADDR, s * ADDR + ADDR);
        this.flags[w] = this.flags[s]!;
        this.expires[w] = this.expires[s]!;
        this.keys[w] = this.keys[s]!;
      }
      w++;
    }
    // Survivors keep their order, so seeders (a prefix before) are still a prefix.
    this.size = w;
    this.seeders = seeders;
    let cap = this.cap;
    while (cap > 8 && w * 4 <= cap) cap >>= 1;
    if (cap !== this.cap) this.resize(cap); // also rebuilds the index
    else {
      this.table.fill(-1);
      for (let s = 0; s < w; s++) this.index(s);
    }
    return before - w;
  }

  /**
   * A random sample of up to `count` peers, skipping slot `self` (-1 for none), from leechers only
   * when `leechersOnly`. Walks the range from a random start with a random step coprime to its length,
   * which visits every peer once in a shuffled-looking order without allocating a permutation.
   */
  sample(count: number, self: number, leechersOnly: boolean, withIds: boolean): SampleResult {
    const lo = leechersOnly ? this.seeders : 0;
    const m = this.size - lo;
    const selfIn = self >= lo && self < this.size ? 1 : 0;
    const k = Math.max(0, Math.min(count, m - selfIn));
    if (k === 0) return withIds ? { peers4: NONE, peers6: NONE, peerIds4: NONE, peerIds6: NONE } : { peers4: NONE, peers6: NONE };
    // One allocation in the common case (all IPv4); IPv6 and id buffers only when needed.
    let out4 = new Uint8Array(k * 6);
    let out6 = NONE;
    let ids4 = withIds ? new Uint8Array(k * ID) : NONE;
    let ids6 = NONE;
    let n4 = 0;
    let n6 = 0;
    let step = 1;
    if (m > 2) {
      step = 1 + Math.floor(Math.random() * (m - 1));
      while (gcd(step, m) !== 1) step = step + 1 === m ? 1 : step + 1;
    }
    let at = Math.floor(Math.random() * m);
    const addrs = this.addrs;
    const flags = this.flags;
    for (let visited = 0, taken = 0; visited < m && taken < k; visited++) {
      const s = lo + at;
      at += step;
      if (at >= m) at -= m;
      if (s === self) continue;
      const o = s * ADDR;
      if ((flags[s]! & FLAG_V6) !== 0) {
        if (out6 === NONE) {
          out6 = new Uint8Array(k * 18);
          if (withIds) ids6 = new Uint8Array(k * ID);
        }
        out6.set(addrs.subarray(o, o + 18), n6 * 18);
        if (withIds) ids6.set(this.ids.subarray(s * ID, s * ID + ID), n6 * ID);
        n6++;
      } else {
        const d = n4 * 6;
        out4[d] = addrs[o]!; out4[d + 1] = addrs[o + 1]!; out4[d + 2] = addrs[o + 2]!;
        out4[d + 3] = addrs[o + 3]!; out4[d + 4] = addrs[o + 4]!; out4[d + 5] = addrs[o + 5]!;
        if (withIds) ids4.set(this.ids.subarray(s * ID, s * ID + ID), n4 * ID);
        n4++;
      }
      taken++;
    }
    if (n4 * 6 < out4.length) { out4 = out4.subarray(0, n4 * 6); if (withIds) ids4 = ids4.subarray(0, n4 * ID); }
    if (n6 * 18 < out6.length) { out6 = out6.subarray(0, n6 * 18); if (withIds) ids6 = ids6.subarray(0, n6 * ID); }
    return withIds ? { peers4: out4, peers6: out6, peerIds4: ids4, peerIds6: ids6 } : { peers4: out4, peers6: out6 };
  }
}

/** A sample: compact peers, plus aligned ids when asked. */
export interface SampleResult {
  peers4: Uint8Array;
  peers6: Uint8Array;
  peerIds4?: Uint8Array;
  peerIds6?: Uint8Array;
}

const NONE = new Uint8Array(0);

function swapBytes(a: Uint8Array, i: number, j: number, n: number): void {
  for (let x = 0; x < n; x++) {
    const t = a[i + x]!;
    a[i + x] = a[j + x]!;
    a[j + x] = t;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
