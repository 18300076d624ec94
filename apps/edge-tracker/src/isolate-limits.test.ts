// The memory store in an isolate (Vercel Edge) must refuse new swarms and peers long before the
// isolate runs out of memory, and its limits must be settable from the environment.
import { describe, expect, it } from 'vitest';
import { announceUrl, bdecode, id20 } from '../test/announce-helpers.ts';
import { createEdgeTracker } from './app.ts';
import { memoryStoreOptionsFromEnv, trackerOptionsFromEnv } from './env-options.ts';
import { ISOLATE_RATE_LIMIT_CLIENTS, ISOLATE_STORE_LIMITS, isolateTrackerOptions } from './isolate-limits.ts';

const origin = 'http://tracker.test';
const failure = (r: Record<string, unknown>) => (r['failure reason'] ? new TextDecoder().decode(r['failure reason'] as Uint8Array) : undefined);

async function announce(fetch: (r: Request) => Promise<Response>, swarm: number, peer: number, event?: string) {
  const headers = { 'x-real-ip': `10.0.${peer >> 8}.${peer & 255}` };
  return bdecode(await (await fetch(new Request(announceUrl(origin, { infoHash: id20(0x71, swarm), peer, event }), { headers }))).arrayBuffer());
}

describe('memory limits of the Vercel Edge adapter', () => {
  it('refuses the swarm after ISOLATE_STORE_LIMITS.maxSwarms and the peer after maxPeersPerSwarm', async () => {
    // The module (and its store) may be shared with other test files (Bun): count what is there,
    // and empty what this test filled.
    const mod = await import('./adapters/vercel.ts');
    const { maxSwarms, maxPeersPerSwarm } = ISOLATE_STORE_LIMITS;
    let made = 0;
    try {
      while (made <= maxSwarms && failure(await announce(mod.default, made + 1, 1)) === undefined) made++;
      expect(failure(await announce(mod.default, made + 1, 1))).toMatch(/too many torrents/);
      const stats = (await (await mod.default(new Request(`${origin}/stats.json`))).json()) as { swarms: number };
      expect(stats.swarms).toBe(maxSwarms);
      for (let p = 2; p <= maxPeersPerSwarm; p++) expect(failure(await announce(mod.default, 1, p))).toBeUndefined();
      expect(failure(await announce(mod.default, 1, maxPeersPerSwarm + 1))).toMatch(/too many peers/);
      expect(failure(await announce(mod.default, 1, 1))).toBeUndefined(); // known peers still announce
    } finally {
      for (let p = 2; p <= maxPeersPerSwarm; p++) await announce(mod.default, 1, p, 'stopped');
      for (let s = 1; s <= made; s++) await announce(mod.default, s, 1, 'stopped');
    }
  });
});

describe('isolateTrackerOptions', () => {
  it('uses the isolate limits unless the environment overrides them', async () => {
    const app = createEdgeTracker({
      ...isolateTrackerOptions({ TRACKER_MAX_SWARMS: '2', TRACKER_MAX_PEERS_PER_SWARM: '3' }),
      clientIp: (r) => r.headers.get('x-real-ip') ?? undefined,
    });
    const fetch = (r: Request) => app.fetch(r);
    expect(failure(await announce(fetch, 1, 1))).toBeUndefined();
    expect(failure(await announce(fetch, 2, 1))).toBeUndefined();
    expect(failure(await announce(fetch, 3, 1))).toMatch(/too many torrents/);
    expect(failure(await announce(fetch, 1, 2))).toBeUndefined();
    expect(failure(await announce(fetch, 1, 3))).toBeUndefined();
    expect(failure(await announce(fetch, 1, 4))).toMatch(/too many peers/);
    await app.close();
  });

  it('bounds the rate limiter in an isolate, and reads its settings from the environment', () => {
    expect(isolateTrackerOptions({ TRACKER_RATE_LIMIT: '5' }).rateLimit).toEqual({ perSecond: 5, maxClients: ISOLATE_RATE_LIMIT_CLIENTS });
    expect(isolateTrackerOptions({}).rateLimit).toBeUndefined();
    expect(trackerOptionsFromEnv({ TRACKER_RATE_LIMIT: '5', TRACKER_RATE_LIMIT_CLIENTS: '900', TRACKER_RATE_LIMIT_IPV6_PREFIX: '48' }).rateLimit)
      .toEqual({ perSecond: 5, maxClients: 900, ipv6PrefixLength: 48 });
    expect(() => trackerOptionsFromEnv({ TRACKER_RATE_LIMIT: '5', TRACKER_RATE_LIMIT_IPV6_PREFIX: '129' })).toThrow(/TRACKER_RATE_LIMIT_IPV6_PREFIX/);
  });

  it('reads memory store limits, keeping platform defaults for what is unset', () => {
    expect(memoryStoreOptionsFromEnv({})).toEqual({});
    expect(memoryStoreOptionsFromEnv({ TRACKER_MAX_SWARMS: '50' }, ISOLATE_STORE_LIMITS))
      .toEqual({ ...ISOLATE_STORE_LIMITS, maxSwarms: 50 });
    expect(() => memoryStoreOptionsFromEnv({ TRACKER_MAX_PEERS_PER_SWARM: '1.5' })).toThrow(/TRACKER_MAX_PEERS_PER_SWARM/);
  });
});
