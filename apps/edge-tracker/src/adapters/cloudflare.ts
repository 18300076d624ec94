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

// A bad variable (TRACKER_INTERVAL=soon) would otherwise throw from every request, and clients would
// get Cloudflare's HTML error page; they get a bencoded failure instead, and the log says what is wrong.
const MISCONFIGURED = 'tracker is misconfigured';
const misconfigured = (path: string) => new Response(
  path.startsWith('/announce') || path.startsWith('/scrape') ? `d14:failure reason${MISCONFIGURED.length}:${MISCONFIGURED}e` : `${MISCONFIGURED}\n`,
  { status: 500, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } },
);

export default {
  fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    try {
      app ??= createEdgeTracker({
        ...trackerOptionsFromEnv(env),
        store: new DurableObjectSwarmStore({ namespace: env.SWARMS, shards: shardsFromEnv(env) }),
        storeName: 'durable-objects',
        // Shards expire their own peers on storage alarms; no sweep from request handlers.
        expireEvery: 0,
        clientIp: (r) => r.headers.get('cf-connecting-ip') ?? undefined,
      });
    } catch (err) {
      console.error(`torrentkit tracker: bad configuration: ${(err as Error).message}`);
      return Promise.resolve(misconfigured(new URL(request.url).pathname));
    }
    return app.fetch(request, env, ctx);
  },
};

function shardsFromEnv(env: Env): number {
  const text = env.TRACKER_SHARDS ?? '64';
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 65_536) {
    throw new RangeError(`TRACKER_SHARDS must be an integer from 1 to 65536, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}
