// Vercel Edge Functions. Vercel's edge network sets `x-real-ip` to the client address (it overwrites
// any value the client sent). State is per isolate (in-memory store): fine for a small tracker, and
// each isolate answers with the peers it has seen; use Workers or Deno Deploy for shared swarms.
import { createEdgeTracker } from '../app.ts';
import { trackerOptionsFromEnv } from '../env-options.ts';

/** Tells Vercel to run this function on the Edge runtime. */
export const config = { runtime: 'edge' };

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const app = createEdgeTracker({
  ...trackerOptionsFromEnv(env),
  storeName: 'memory (per isolate)',
  clientIp: (r) => r.headers.get('x-real-ip') ?? undefined,
});

export default function handler(request: Request): Promise<Response> {
  return app.fetch(request);
}
