// Deno KV store: runs under Deno only (Deno.openKv, which needs --unstable-kv or a deno.json with
// "unstable": ["kv"]); elsewhere the suite is skipped with a message.
import { describe, it } from 'vitest';
import { DenoKvSwarmStore, type KvLike } from './deno-kv-store.ts';
import { describeSwarmStore } from './store.contract.ts';

const deno = (globalThis as { Deno?: { openKv?(path?: string): Promise<KvLike> } }).Deno;
const openKv = deno?.openKv?.bind(deno);

if (openKv) {
  let n = 0;
  // A fresh in-memory database per test: no files to clean up.
  describeSwarmStore('deno-kv', async () => new DenoKvSwarmStore({ kv: await openKv(':memory:'), prefix: `t${n++}`, ownsKv: true }));
} else {
  const why = deno
    ? 'Deno.openKv is unavailable: run Deno with --unstable-kv (or "unstable": ["kv"] in deno.json)'
    : 'needs the Deno runtime (Deno.openKv); run `pnpm run test:deno`';
  console.warn(`skipping Deno KV store tests: ${why}`);
  describe('SwarmStore contract: deno-kv', () => {
    it.skip(why, () => {});
  });
}
