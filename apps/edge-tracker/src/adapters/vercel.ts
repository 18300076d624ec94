// Vercel Edge Functions. Vercel's edge network sets `x-real-ip` to the client address (it overwrites
// any value the client sent). State is per isolate (in-memory store): fine for a small tracker, and
// each isolate answers with the peers it has seen; use Workers or Deno Deploy for shared swarms.
// The isolate has 128 MB, so the store gets limits sized for it (isolate-limits.ts).
import { createEdgeTracker } from '../app.ts';
import { isolateTrackerOptions } from '../isolate-limits.ts';

/** Tells Vercel to run this function on the Edge runtime. */
export const config = { runtime: 'edge' };

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const app = createEdgeTracker({
  ...isolateTrackerOptions(env),
  storeName: 'memory (per isolate)',
  clientIp: (r) => r.headers.get('x-real-ip') ?? undefined,
});

export default function handler(request: Request): Promise<Response> {
  return app.fetch(request);
}
