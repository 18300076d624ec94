// Test-only Worker: exposes a DurableObjectSwarmStore's methods over fetch so the shared SwarmStore
// contract suite (running in the test process) can drive the real store inside workerd.
import { DurableObjectSwarmStore, SwarmShard, type SwarmShardNamespace } from '@torrentkit/tracker/durable-object';
import { TrackerError } from '@torrentkit/tracker';
import { fromWire, toWire } from './wire-json.ts';

export { SwarmShard };

interface Env { SWARMS: SwarmShardNamespace }

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { op, prefix, shards, args } = fromWire(await request.json()) as { op: string; prefix: string; shards: number; args: unknown[] };
    const store = new DurableObjectSwarmStore({ namespace: env.SWARMS, prefix, shards });
    try {
      const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[op]!;
      return Response.json({ ok: toWire(await fn.apply(store, args)) });
    } catch (e) {
      return Response.json({ error: e instanceof TrackerError ? e.code : String(e), message: (e as Error).message });
    }
  },
};
