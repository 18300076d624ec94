import { describe, expect, it } from 'vitest';
import { MemorySwarmStore } from './memory.ts';
import { announceOf, describeSwarmStore, peerNumbers, testId } from './store.contract.ts';

describeSwarmStore('memory', () => new MemorySwarmStore());

describe('MemorySwarmStore', () => {
  it('refuses a new swarm beyond maxSwarms but serves existing ones', async () => {
    const s = new MemorySwarmStore({ maxSwarms: 2 });
    await s.announce(announceOf({ n: 1, infoHash: testId(1, 1) }));
    await s.announce(announceOf({ n: 1, infoHash: testId(1, 2) }));
    await expect(s.announce(announceOf({ n: 1, infoHash: testId(1, 3) }))).rejects.toMatchObject({ code: 'TRACKER_TOO_MANY_SWARMS' });
    const r = await s.announce(announceOf({ n: 2, infoHash: testId(1, 1) }));
    expect(r.incomplete).toBe(2);
  });

  it('refuses a new peer beyond maxPeersPerSwarm but keeps existing peers', async () => {
    const s = new MemorySwarmStore({ maxPeersPerSwarm: 3 });
    for (let n = 1; n <= 3; n++) await s.announce(announceOf({ n }));
    await expect(s.announce(announceOf({ n: 4 }))).rejects.toMatchObject({ code: 'TRACKER_SWARM_FULL' });
    const r = await s.announce(announceOf({ n: 2, event: 'none' }));
    expect(peerNumbers(r.peers4)).toEqual([1, 3]);
  });

  it('ignores a known peer id from a new address with the wrong key', async () => {
    const s = new MemorySwarmStore();
    await s.announce(announceOf({ n: 1, key: 1234, port: 1111 }));
    const spoof = announceOf({ n: 1, key: 999, port: 2222, event: 'stopped' });
    spoof.ip = new Uint8Array([10, 0, 0, 1]);
    await s.announce(spoof);
    const r = await s.announce(announceOf({ n: 2 }));
    expect(r.incomplete).toBe(2);
    expect(r.peers4).toEqual(new Uint8Array([127, 0, 0, 1, 1111 >> 8, 1111 & 255]));
    // The right key may move the peer.
    const moved = announceOf({ n: 1, key: 1234, port: 3333, event: 'none' });
    await s.announce(moved);
    const r2 = await s.announce(announceOf({ n: 2, event: 'none' }));
    expect((r2.peers4[4]! << 8) | r2.peers4[5]!).toBe(3333);
  });

  it('keeps downloaded counts after a swarm empties and is freed', async () => {
    const s = new MemorySwarmStore();
    await s.announce(announceOf({ n: 1, event: 'completed', seeder: true }));
    await s.announce(announceOf({ n: 1, event: 'stopped', seeder: true }));
    expect((await s.stats()).swarms).toBe(0);
    expect(await s.scrape([testId(0xaa, 1)], 0)).toEqual([{ complete: 0, incomplete: 0, downloaded: 1 }]);
    const r = await s.announce(announceOf({ n: 2 }));
    expect(r.downloaded).toBe(1);
  });

  it('stays consistent under random churn (model check)', async () => {
    const s = new MemorySwarmStore();
    const model = new Map<number, boolean>(); // n -> seeder
    let seed = 7;
    const rnd = (k: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % k;
    };
    for (let step = 0; step < 3000; step++) {
      const n = 1 + rnd(60);
      const op = rnd(4);
      const seeder = rnd(2) === 0;
      if (op === 0) {
        await s.announce(announceOf({ n, event: 'stopped', seeder }));
        model.delete(n);
      } else {
        const r = await s.announce(announceOf({ n, event: 'none', seeder, numwant: 200 }));
        model.set(n, seeder);
        const expected = [...model].filter(([m, sd]) => m !== n && !(seeder && sd)).map(([m]) => m).sort((a, b) => a - b);
        expect(peerNumbers(r.peers4)).toEqual(expected);
      }
      const seeders = [...model.values()].filter(Boolean).length;
      const st = await s.stats();
      expect([st.seeders, st.leechers]).toEqual([seeders, model.size - seeders]);
    }
  });

  it('expires few or many peers at once and keeps index and partition right (model check)', async () => {
    for (const [peers, cut] of [[200, 5], [200, 150], [60, 60]] as const) {
      const s = new MemorySwarmStore();
      const alive = new Map<number, boolean>();
      for (let n = 1; n <= peers; n++) {
        const seeder = n % 3 === 0;
        // Peers 1..cut announced early and expire; the rest later and stay.
        await s.announce(announceOf({ n, seeder, numwant: 0, now: n <= cut ? 0 : 500_000, ttl: 600_000 }));
        if (n > cut) alive.set(n, seeder);
      }
      expect(await s.expire(700_000)).toBe(cut);
      const seeders = [...alive.values()].filter(Boolean).length;
      expect(await s.stats()).toEqual(alive.size ? { swarms: 1, seeders, leechers: alive.size - seeders } : { swarms: 0, seeders: 0, leechers: 0 });
      if (alive.size === 0) continue;
      // Every survivor is still found by id (a re-announce updates, not inserts) and listed correctly.
      for (const [n, seeder] of alive) {
        const r = await s.announce(announceOf({ n, seeder, event: 'none', numwant: 1000, now: 700_000 }));
        const expected = [...alive].filter(([m, sd]) => m !== n && !(seeder && sd)).map(([m]) => m).sort((a, b) => a - b);
        expect(peerNumbers(r.peers4)).toEqual(expected);
      }
      expect((await s.stats()).seeders + (await s.stats()).leechers).toBe(alive.size);
    }
  });
});
