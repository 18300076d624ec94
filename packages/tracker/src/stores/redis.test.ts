import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackerError } from '../errors.ts';
import { RedisClient } from './redis-client.ts';
import { createRedisSwarmStore, connectNodeSocket } from './redis-node.ts';
import { RedisSwarmStore } from './redis-store.ts';
import { startTestRedis, uniquePrefix, type TestRedis } from './redis-test-server.ts';
import { announceOf, describeSwarmStore, peerNumbers, testId } from './store.contract.ts';

const redis = await startTestRedis();
const url = 'url' in redis ? redis.url : '';
if (!('url' in redis)) console.warn(`skipping Redis store tests: ${redis.skip}`);
const describeRedis = 'url' in redis ? describe : describe.skip;

afterAll(async () => {
  if ('url' in redis) await (redis as TestRedis).stop();
});

describeRedis('redis', () => {
  describeSwarmStore('redis', () => createRedisSwarmStore(url, { prefix: uniquePrefix() }));

  describe('RedisClient', () => {
    let client: RedisClient;
    beforeAll(() => {
      client = new RedisClient({ url, connect: connectNodeSocket });
    });
    afterAll(() => client.close());

    it('round-trips binary values and pipelines many commands in one go', async () => {
      const key = `${uniquePrefix()}bin`;
      const value = new Uint8Array(256).map((_, i) => i);
      await client.command(['SET', key, value, 'PX', 10_000]);
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 2000; i++) jobs.push(client.command(['GET', key]));
      const replies = await Promise.all(jobs);
      expect(replies.length).toBe(2000);
      expect(replies[0]).toEqual(value);
      // Compare the rest cheaply: every reply must be the same 256 bytes.
      const same = replies.every((r) => r instanceof Uint8Array && r.length === 256 && r[0] === 0 && r[255] === 255 && r[128] === 128);
      expect(same).toBe(true);
      await client.command(['DEL', key]);
    });

    it('turns an error reply into TrackerError REDIS_REPLY without breaking the pipeline', async () => {
      const bad = client.command(['NOSUCHCOMMAND']);
      const good = client.command(['PING']);
      await expect(bad).rejects.toMatchObject({ code: 'REDIS_REPLY' });
      expect(await good).toBe('PONG');
    });

    it('reloads a script after SCRIPT FLUSH (EVALSHA falls back on NOSCRIPT)', async () => {
      const store = new RedisSwarmStore({ client, prefix: uniquePrefix() });
      await store.announce(announceOf({ n: 1 }));
      await client.command(['SCRIPT', 'FLUSH']);
      const r = await store.announce(announceOf({ n: 2 }));
      expect(r.incomplete).toBe(2);
    });

    it('fails in-flight commands when the connection drops, then reconnects by itself', async () => {
      const victim = new RedisClient({ url, connect: connectNodeSocket });
      const id = await victim.command(['CLIENT', 'ID']);
      // Catch at once: the rejection may arrive while the KILL below is still being awaited.
      const blocked = victim.command(['BLPOP', `${uniquePrefix()}never`, 5]).catch((e: unknown) => e);
      await client.command(['CLIENT', 'KILL', 'ID', id as number]);
      expect(await blocked).toMatchObject({ code: 'REDIS_CONNECTION' });
      expect(await victim.command(['PING'])).toBe('PONG');
      victim.close();
    });

    it('fails with REDIS_CONNECTION when the handshake is refused (bad password, bad db)', async () => {
      const u = new URL(url);
      u.password = 'wrong';
      const bad = new RedisClient({ url: u.toString(), connect: connectNodeSocket });
      await expect(bad.command(['PING'])).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
      bad.close();
      const badDb = new RedisClient({ url: `${url.replace(/\/\d*$/, '')}/99999`, connect: connectNodeSocket });
      await expect(badDb.command(['PING'])).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
      badDb.close();
    });

    it('fails fast with REDIS_CONNECTION when nothing listens', async () => {
      const dead = new RedisClient({ url: 'redis://127.0.0.1:1', connect: connectNodeSocket });
      await expect(dead.command(['PING'])).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
      dead.close();
    });
  });

  describe('RedisSwarmStore', () => {
    it('shares swarms between two stores (two tracker processes) on one Redis', async () => {
      const prefix = uniquePrefix();
      const a = createRedisSwarmStore(url, { prefix });
      const b = createRedisSwarmStore(url, { prefix });
      await a.announce(announceOf({ n: 1 }));
      await b.announce(announceOf({ n: 2, seeder: true }));
      const fromA = await a.announce(announceOf({ n: 3 }));
      expect(peerNumbers(fromA.peers4)).toEqual([1, 2]);
      expect(await b.stats()).toEqual({ swarms: 1, seeders: 1, leechers: 2 });
      await a.close();
      await b.close();
    });

    it('keeps announces atomic under concurrency (counts add up)', async () => {
      const store = createRedisSwarmStore(url, { prefix: uniquePrefix() });
      const jobs: Promise<unknown>[] = [];
      for (let n = 1; n <= 300; n++) jobs.push(store.announce(announceOf({ n, seeder: n % 3 === 0, numwant: 10 })));
      await Promise.all(jobs);
      const [s] = await store.scrape([testId(0xaa, 1)], 1_000_000);
      expect(s).toEqual({ complete: 100, incomplete: 200, downloaded: 0 });
      expect(await store.stats()).toEqual({ swarms: 1, seeders: 100, leechers: 200 });
      await store.close();
    });

    it('refuses new peers and swarms beyond its caps, never existing ones', async () => {
      const store = createRedisSwarmStore(url, { prefix: uniquePrefix(), maxPeersPerSwarm: 2, maxSwarms: 2 });
      await store.announce(announceOf({ n: 1 }));
      await store.announce(announceOf({ n: 2 }));
      await expect(store.announce(announceOf({ n: 3 }))).rejects.toMatchObject({ code: 'TRACKER_SWARM_FULL' });
      await expect(store.announce(announceOf({ n: 1, event: 'none' }))).resolves.toMatchObject({ incomplete: 2 });
      await store.announce(announceOf({ n: 1, infoHash: testId(0xaa, 2) }));
      const err = await store.announce(announceOf({ n: 1, infoHash: testId(0xaa, 3) })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrackerError);
      expect((err as TrackerError).code).toBe('TRACKER_TOO_MANY_SWARMS');
      await store.close();
    });

    it('does not let another key move a known peer to a new address', async () => {
      const store = createRedisSwarmStore(url, { prefix: uniquePrefix() });
      await store.announce(announceOf({ n: 1, key: 1234, port: 1000 }));
      const spoof = announceOf({ n: 1, key: 999, port: 2000, event: 'none' });
      spoof.ip = new Uint8Array([10, 9, 9, 9]);
      await store.announce(spoof);
      const r = await store.announce(announceOf({ n: 2 }));
      expect(Array.from(r.peers4)).toEqual([127, 0, 0, 1, 1000 >> 8, 1000 & 255]);
      await store.close();
    });

    it('gives every swarm key a Redis TTL (abandoned swarms are freed by Redis itself)', async () => {
      const prefix = uniquePrefix();
      const store = new RedisSwarmStore({ url, connect: connectNodeSocket, prefix, keyTtlMs: 5000 });
      await store.announce(announceOf({ n: 1, event: 'completed', seeder: true }));
      const keys = await store.client.command(['KEYS', `${prefix}{*`]);
      expect(Array.isArray(keys) && keys.length).toBe(3);
      for (const k of keys as Uint8Array[]) {
        const ttl = await store.client.command(['PTTL', k]);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(5000);
      }
      await store.close();
    });
  });
});
