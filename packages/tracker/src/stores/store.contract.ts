// The SwarmStore contract as a reusable vitest suite: every store (memory, Redis, Durable Objects,
// Deno KV) runs `describeSwarmStore(name, factory)` from its own test file. Test-only: excluded from
// the build.
import type * as Vitest from 'vitest';

// `bun test` swaps 'vitest' for 'bun:test' only inside *.test.ts files; this helper module is not
// one, so it picks the runner's API itself.
const api = ((globalThis as { Bun?: unknown }).Bun
  ? await import('bun:test' as string)
  : await import('vitest')) as typeof Vitest;
const { afterEach, beforeEach, describe, expect, it } = api;
import type { StoreAnnounce, SwarmStore } from '../store.ts';

/** 20-byte id whose bytes are `tag` then `n` (big-endian) so tests can read them back. */
export function testId(tag: number, n: number): Uint8Array {
  const id = new Uint8Array(20);
  id[0] = tag;
  new DataView(id.buffer).setUint32(16, n);
  return id;
}

export function announceOf(over: Partial<StoreAnnounce> & { n: number }): StoreAnnounce {
  const { n, ...rest } = over;
  return {
    infoHash: testId(0xaa, 1),
    peerId: testId(0xbb, n),
    ip: new Uint8Array([127, 0, (n >> 8) & 255, n & 255]),
    port: 6881,
    seeder: false,
    event: 'started',
    numwant: 50,
    key: 0,
    withPeerIds: false,
    now: 1_000_000,
    ttl: 120_000,
    ...rest,
  };
}

/** Ports (as numbers) of the compact IPv4 peers in a reply. */
export function ports4(peers: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 6 <= peers.length; i += 6) out.push((peers[i + 4]! << 8) | peers[i + 5]!);
  return out;
}

/** Last two address bytes of each compact IPv4 peer, as the `n` used by announceOf. */
export function peerNumbers(peers: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 6 <= peers.length; i += 6) out.push((peers[i + 2]! << 8) | peers[i + 3]!);
  return out.sort((a, b) => a - b);
}

/**
 * Registers the shared contract tests for a store. `make` returns a fresh, empty store for each
 * test (for remote stores: a unique key prefix); the suite closes it afterwards.
 */
export function describeSwarmStore(name: string, make: () => SwarmStore | Promise<SwarmStore>): void {
  describe(`SwarmStore contract: ${name}`, () => {
    let store: SwarmStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    it('counts a first leecher and returns no peers to it', async () => {
      const r = await store.announce(announceOf({ n: 1 }));
      expect(r.incomplete).toBe(1);
      expect(r.complete).toBe(0);
      expect(r.peers4.length).toBe(0);
      expect(r.peers6.length).toBe(0);
    });

    it('never lists the announcer itself', async () => {
      for (let n = 1; n <= 5; n++) await store.announce(announceOf({ n }));
      const r = await store.announce(announceOf({ n: 3, event: 'none' }));
      expect(r.incomplete).toBe(5);
      expect(peerNumbers(r.peers4)).toEqual([1, 2, 4, 5]);
    });

    it('does not send seeders to a seeder', async () => {
      await store.announce(announceOf({ n: 1, seeder: true }));
      await store.announce(announceOf({ n: 2, seeder: true }));
      await store.announce(announceOf({ n: 3 }));
      const r = await store.announce(announceOf({ n: 4, seeder: true }));
      expect(r.complete).toBe(3);
      expect(r.incomplete).toBe(1);
      expect(peerNumbers(r.peers4)).toEqual([3]);
      const leecher = await store.announce(announceOf({ n: 3, event: 'none' }));
      expect(peerNumbers(leecher.peers4)).toEqual([1, 2, 4]);
    });

    it('returns at most numwant peers, a different sample over time', async () => {
      for (let n = 1; n <= 40; n++) await store.announce(announceOf({ n, numwant: 0 }));
      const seen = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const r = await store.announce(announceOf({ n: 1, event: 'none', numwant: 5 }));
        expect(r.peers4.length).toBe(30);
        const got = peerNumbers(r.peers4);
        expect(new Set(got).size).toBe(5);
        expect(got).not.toContain(1);
        for (const g of got) seen.add(g);
      }
      // 20 samples of 5 out of 39 that kept returning the same peers would not be fair.
      expect(seen.size).toBeGreaterThan(15);
    });

    it('removes a peer on stopped', async () => {
      await store.announce(announceOf({ n: 1 }));
      await store.announce(announceOf({ n: 2 }));
      const r = await store.announce(announceOf({ n: 1, event: 'stopped' }));
      expect(r.incomplete).toBe(1);
      const other = await store.announce(announceOf({ n: 2, event: 'none' }));
      expect(other.peers4.length).toBe(0);
    });

    it('stopped from an unknown peer changes nothing', async () => {
      await store.announce(announceOf({ n: 1 }));
      const r = await store.announce(announceOf({ n: 9, event: 'stopped' }));
      expect(r.incomplete).toBe(1);
      expect(r.complete).toBe(0);
    });

    it('moves a leecher to seeders on completed and counts the download once', async () => {
      await store.announce(announceOf({ n: 1 }));
      let r = await store.announce(announceOf({ n: 1, event: 'completed', seeder: true }));
      expect(r).toMatchObject({ complete: 1, incomplete: 0, downloaded: 1 });
      r = await store.announce(announceOf({ n: 1, event: 'completed', seeder: true }));
      expect(r.downloaded).toBe(1);
      const [s] = await store.scrape([testId(0xaa, 1)], 1_000_000);
      expect(s).toEqual({ complete: 1, incomplete: 0, downloaded: 1 });
    });

    it('counts completed only from a peer that now has everything and was not seeding', async () => {
      await store.announce(announceOf({ n: 1 }));
      for (let i = 0; i < 5; i++) await store.announce(announceOf({ n: 1, event: 'completed', seeder: false }));
      let [s] = await store.scrape([testId(0xaa, 1)], 1_000_000);
      expect(s).toEqual({ complete: 0, incomplete: 1, downloaded: 0 });
      // A peer first seen with completed and left=0 counts once, however often it repeats it.
      for (let i = 0; i < 3; i++) await store.announce(announceOf({ n: 2, event: 'completed', seeder: true }));
      await store.announce(announceOf({ n: 1, event: 'completed', seeder: true }));
      [s] = await store.scrape([testId(0xaa, 1)], 1_000_000);
      expect(s).toEqual({ complete: 2, incomplete: 0, downloaded: 2 });
    });

    it('scrapes several swarms in order, unknown ones as zeros', async () => {
      await store.announce(announceOf({ n: 1, infoHash: testId(0xaa, 7) }));
      await store.announce(announceOf({ n: 2, infoHash: testId(0xaa, 7), seeder: true }));
      await store.announce(announceOf({ n: 3, infoHash: testId(0xaa, 8) }));
      const rows = await store.scrape([testId(0xaa, 8), testId(0xaa, 9), testId(0xaa, 7)], 1_000_000);
      expect(rows).toEqual([
        { complete: 0, incomplete: 1, downloaded: 0 },
        { complete: 0, incomplete: 0, downloaded: 0 },
        { complete: 1, incomplete: 1, downloaded: 0 },
      ]);
    });

    it('keeps swarms apart', async () => {
      await store.announce(announceOf({ n: 1, infoHash: testId(0xaa, 1) }));
      const r = await store.announce(announceOf({ n: 2, infoHash: testId(0xaa, 2) }));
      expect(r.incomplete).toBe(1);
      expect(r.peers4.length).toBe(0);
    });

    it('updates a re-announcing peer in place (no duplicates, new port)', async () => {
      await store.announce(announceOf({ n: 1, port: 1000 }));
      await store.announce(announceOf({ n: 1, port: 2000, event: 'none' }));
      const r = await store.announce(announceOf({ n: 2 }));
      expect(r.incomplete).toBe(2);
      expect(ports4(r.peers4)).toEqual([2000]);
    });

    it('returns IPv6 peers separately', async () => {
      const ip6 = new Uint8Array(16);
      ip6[15] = 1;
      await store.announce(announceOf({ n: 1, ip: ip6, port: 7000 }));
      await store.announce(announceOf({ n: 2 }));
      const r = await store.announce(announceOf({ n: 3 }));
      expect(r.peers6.length).toBe(18);
      expect(r.peers6.subarray(0, 16)).toEqual(ip6);
      expect((r.peers6[16]! << 8) | r.peers6[17]!).toBe(7000);
      expect(r.peers4.length).toBe(6);
    });

    it('returns peer ids aligned with addresses when asked', async () => {
      await store.announce(announceOf({ n: 1 }));
      await store.announce(announceOf({ n: 2 }));
      const r = await store.announce(announceOf({ n: 3, withPeerIds: true }));
      expect(r.peerIds4?.length).toBe(40);
      for (let i = 0; i < 2; i++) {
        const n = (r.peers4[i * 6 + 2]! << 8) | r.peers4[i * 6 + 3]!;
        expect(r.peerIds4!.subarray(i * 20, i * 20 + 20)).toEqual(testId(0xbb, n));
      }
    });

    it('expires silent peers and frees empty swarms', async () => {
      await store.announce(announceOf({ n: 1, now: 1_000_000, ttl: 60_000 }));
      await store.announce(announceOf({ n: 2, now: 1_050_000, ttl: 60_000 }));
      await store.expire(1_070_000);
      let [s] = await store.scrape([testId(0xaa, 1)], 1_070_000);
      expect(s!.incomplete).toBe(1);
      await store.expire(1_200_000);
      [s] = await store.scrape([testId(0xaa, 1)], 1_200_000);
      expect(s!.incomplete).toBe(0);
      const st = await store.stats();
      expect(st.leechers).toBe(0);
    });

    it('reports totals in stats', async () => {
      await store.announce(announceOf({ n: 1, infoHash: testId(0xaa, 1) }));
      await store.announce(announceOf({ n: 2, infoHash: testId(0xaa, 2), seeder: true }));
      await store.announce(announceOf({ n: 3, infoHash: testId(0xaa, 2) }));
      expect(await store.stats()).toEqual({ swarms: 2, seeders: 1, leechers: 2 });
    });
  });
}
