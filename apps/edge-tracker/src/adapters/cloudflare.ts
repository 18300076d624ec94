// Cloudflare Workers: swarms live in Durable Objects, sharded by info hash (SwarmShard). The client
// address is the one Cloudflare puts in `cf-connecting-ip`. Configure with wrangler.toml [vars].
import { DurableObjectSwarmStore, SwarmShard, type SwarmShardNamespace } from '@torrentkit/tracker/durable-object';
import { createEdgeTracker, type EdgeTracker } from '../app.ts';
import { trackerOptionsFromEnv, type TrackerEnv } from '../env-options.ts';

export { SwarmShard };

/** Bindings and vars of the Worker. */
export interface Env extends TrackerEnv {
  SWARMS: SwarmShardNamespace;
  /** Number of Durable Object shards (default 64). Never change it on a live tracker. */
  TRACKER_SHARDS?: string;
}

let app: EdgeTracker | undefined;

export default {
  fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    app ??= createEdgeTracker({
      ...trackerOptionsFromEnv(env),
      store: new DurableObjectSwarmStore({ namespace: env.SWARMS, shards: Number(env.TRACKER_SHARDS ?? 64) }),
      storeName: 'durable-objects',
      // Shards expire their own peers on storage alarms; no sweep from request handlers.
      expireEvery: 0,
      clientIp: (r) => r.headers.get('cf-connecting-ip') ?? undefined,
    });
    return app.fetch(request, env, ctx);
  },
};
