// Deno Deploy (or any `deno serve`): swarms in Deno KV, the client address from the connection's
// remoteAddr. Run: deno serve --unstable-kv -A src/adapters/deno.ts
import { DenoKvSwarmStore, type KvLike } from '@torrentkit/tracker/deno-kv';
import { createEdgeTracker } from '../app.ts';
import { trackerOptionsFromEnv } from '../env-options.ts';

interface DenoLike {
  openKv(path?: string): Promise<KvLike>;
  env: { toObject(): Record<string, string> };
}
interface ServeInfo { remoteAddr: { hostname: string } }

const Deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
const env = Deno.env.toObject();
const kv = await Deno.openKv(env.TRACKER_KV_PATH || undefined);

const app = createEdgeTracker({
  ...trackerOptionsFromEnv(env),
  store: new DenoKvSwarmStore({ kv }),
  storeName: 'deno-kv',
  clientIp: (_request, info) => (info as ServeInfo).remoteAddr.hostname,
});

export default {
  fetch: (request: Request, info: ServeInfo) => app.fetch(request, info),
};
