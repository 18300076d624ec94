// Deno KV store: runs under Deno only (Deno.openKv, which needs --unstable-kv or a deno.json with
// "unstable": ["kv"]); elsewhere the suite is skipped with a message.
import { describe, expect, it } from 'vitest';
import { DenoKvSwarmStore, type KvLike } from './deno-kv-store.ts';
import { announceOf, describeSwarmStore, testId } from './store.contract.ts';

const deno = (globalThis as { Deno?: { openKv?(path?: string): Promise<KvLike> } }).Deno;
const openKv = deno?.openKv?.bind(deno);

type Key = Parameters<KvLike['getMany']>[0][number];
const keyText = (k: Key) => k.map((x) => (x instanceof Uint8Array ? `b${Array.from(x).join('.')}` : `${typeof x}:${String(x)}`)).join('|');

/**
 * A KV whose `expireIn` runs on a fake clock: `advance(ms)` deletes what real KV would have deleted
 * by then, so tests see KV's own expiry without waiting for it.
 */
function fakeExpiryKv(kv: KvLike): KvLike & { advance(ms: number): Promise<void> } {
  let clock = 0;
  const deadlines = new Map<string, { key: Key; at: number }>();
  return {
    getMany: (keys) => kv.getMany(keys),
    list: (sel, opts) => kv.list(sel, opts),
    close: () => kv.close(),
    atomic() {
      const tx = kv.atomic();
      const sets: [Key, number | undefined][] = [];
      const wrapped: ReturnType<KvLike['atomic']> = {
        check: (...c) => { tx.check(...c); return wrapped; },
        set: (k, v, o) => { tx.set(k, v, o); sets.push([k, o?.expireIn]); return wrapped; },
        delete: (k) => { tx.delete(k); sets.push([k, undefined]); return wrapped; },
        sum: (k, n) => { tx.sum(k, n); return wrapped; },
        async commit() {
          const res = await tx.commit();
          if (res.ok) {
            for (const [k, ms] of sets) {
              if (ms === undefined) deadlines.delete(keyText(k));
              else deadlines.set(keyText(k), { key: k, at: clock + ms });
            }
          }
          return res;
        },
      };
      return wrapped;
    },
    async advance(ms) {
      clock += ms;
      for (const [t, d] of deadlines) {
        if (d.at <= clock) { await kv.atomic().delete(d.key).commit(); deadlines.delete(t); }
      }
    },
  };
}

if (openKv) {
  let n = 0;
  // A fresh in-memory database per test: no files to clean up.
  describeSwarmStore('deno-kv', async () => new DenoKvSwarmStore({ kv: await openKv(':memory:'), prefix: `t${n++}`, ownsKv: true }));

  describe('DenoKvSwarmStore', () => {
    it('keeps counters equal to the live peers after a quiet period longer than KV expiry', async () => {
      const kv = fakeExpiryKv(await openKv(':memory:'));
      const store = new DenoKvSwarmStore({ kv, maxPeersPerSwarm: 2, ownsKv: true });
      const t0 = 1_000_000;
      await store.announce(announceOf({ n: 1, now: t0, ttl: 1500 }));
      await store.announce(announceOf({ n: 2, now: t0, ttl: 1500 }));
      // No sweep runs for 70 s (an idle isolate); whatever KV expires by itself is gone by then.
      await kv.advance(70_000);
      expect(await store.expire(t0 + 70_000)).toBe(2);
      expect(await store.stats()).toEqual({ swarms: 0, seeders: 0, leechers: 0 });
      expect(await store.scrape([testId(0xaa, 1)], t0 + 70_000)).toEqual([{ complete: 0, incomplete: 0, downloaded: 0 }]);
      const r = await store.announce(announceOf({ n: 3, now: t0 + 70_000, ttl: 1500 }));
      expect(r.incomplete).toBe(1);
      await store.close();
    });

    it('sweeps more than one list page of expired peers in one expire() call', async () => {
      const store = new DenoKvSwarmStore({ kv: await openKv(':memory:'), ownsKv: true });
      const t0 = 1_000_000;
      for (let n = 1; n <= 1100; n++) await store.announce(announceOf({ n, now: t0, ttl: 1000, numwant: 0 }));
      expect(await store.expire(t0 + 5000)).toBe(1100);
      expect(await store.stats()).toEqual({ swarms: 0, seeders: 0, leechers: 0 });
      await store.close();
    });

    it('deletes a swarm\'s counter keys when its last peer leaves, even when peers leave at once', async () => {
      const kv = await openKv(':memory:');
      const store = new DenoKvSwarmStore({ kv, ownsKv: true });
      const counterKeys = async () => { let n = 0; for await (const _ of kv.list({ prefix: ['tk', 'n'] })) n++; return n; };
      for (let i = 0; i < 20; i++) {
        const infoHash = testId(0xcc, i);
        await store.announce(announceOf({ n: 1, infoHash, seeder: i % 2 === 0 }));
        await store.announce(announceOf({ n: 1, infoHash, event: 'stopped' }));
      }
      expect(await counterKeys()).toBe(0);
      // Two peers stopping concurrently each see the other still counted.
      for (let i = 0; i < 5; i++) {
        const infoHash = testId(0xdd, i);
        await store.announce(announceOf({ n: 1, infoHash }));
        await store.announce(announceOf({ n: 2, infoHash }));
        await Promise.all([1, 2].map((n) => store.announce(announceOf({ n, infoHash, event: 'stopped' }))));
      }
      // ...and the sweep frees swarms the same way.
      await store.announce(announceOf({ n: 1, infoHash: testId(0xee, 1), ttl: 1000 }));
      await store.announce(announceOf({ n: 2, infoHash: testId(0xee, 1), ttl: 1000, seeder: true }));
      expect(await store.expire(1_000_000 + 5000)).toBe(2);
      expect(await counterKeys()).toBe(0);
      expect(await store.stats()).toEqual({ swarms: 0, seeders: 0, leechers: 0 });
      await store.close();
    });
  });
} else {
  const why = deno
    ? 'Deno.openKv is unavailable: run Deno with --unstable-kv (or "unstable": ["kv"] in deno.json)'
    : 'needs the Deno runtime (Deno.openKv); run `pnpm run test:deno`';
  console.warn(`skipping Deno KV store tests: ${why}`);
  describe('SwarmStore contract: deno-kv', () => {
    it.skip(why, () => {});
  });
}
