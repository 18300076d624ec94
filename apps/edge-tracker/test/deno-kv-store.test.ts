// The SwarmStore contract on Deno KV, run from this app because its deno.json enables KV
// ("unstable": ["kv"]); packages/tracker runs the same suite when its Deno has --unstable-kv.
import { describe, it } from 'vitest';
import { DenoKvSwarmStore, type KvLike } from '@torrentkit/tracker/deno-kv';
import { describeSwarmStore } from '../../../packages/tracker/src/stores/store.contract.ts';

const deno = (globalThis as { Deno?: { openKv?(path?: string): Promise<KvLike> } }).Deno;
const openKv = deno?.openKv?.bind(deno);

if (openKv) {
  describeSwarmStore('deno-kv (edge-tracker)', async () => new DenoKvSwarmStore({ kv: await openKv(':memory:'), ownsKv: true }));
} else {
  const why = deno ? 'Deno.openKv is unavailable (needs --unstable-kv)' : 'needs the Deno runtime (pnpm run test:deno)';
  console.warn(`skipping Deno KV store contract: ${why}`);
  describe('SwarmStore contract: deno-kv (edge-tracker)', () => {
    it.skip(why, () => {});
  });
}
