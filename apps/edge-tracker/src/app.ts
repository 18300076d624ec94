// The one fetch handler behind every deployment: announce and scrape go to the tracker core, and
// /stats, /stats.json and /metrics show how it is doing. Adapters (src/adapters/*) only supply the
// store and say where the client's address comes from on their platform.
import { createTracker, type SwarmStore, type Tracker, type TrackerOptions } from '@torrentkit/tracker';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import { renderStatsPage } from './stats-page.ts';
import { TrackerStats, type StatsSnapshot } from './stats.ts';

/** Picks the client address for a request on one platform; undefined when it is unknown. */
export type ClientIpSource = (request: Request, env: unknown, ctx: unknown) => string | undefined;

/** Options of {@link createEdgeTracker}. */
export interface EdgeTrackerOptions extends TrackerOptions {
  store?: SwarmStore;
  /** Shown on /stats and in metrics. Default `memory` when no store is given, else `custom`. */
  storeName?: string;
  /** Page title of /stats. */
  title?: string;
  /** Where the client address comes from (platform specific). */
  clientIp: ClientIpSource;
  /** Serve /stats, /stats.json and /metrics. Default true. */
  statsPages?: boolean;
  /** Milliseconds store totals are reused by the stats pages. Default 2,000; 0 asks every time. */
  statsCacheMs?: number;
}

/** A tracker behind one Web-standard fetch handler. */
export interface EdgeTracker {
  readonly tracker: Tracker;
  readonly stats: TrackerStats;
  /** Workers-style handler: `env` and `ctx` are passed on to `clientIp`. */
  fetch(request: Request, env?: unknown, ctx?: unknown): Promise<Response>;
  close(): Promise<void>;
}

const noStore = { 'cache-control': 'no-store' };

function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
  if (start < 0) return '/';
  const q = url.indexOf('?', start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}

/** Creates the tracker and its fetch handler. */
export function createEdgeTracker(options: EdgeTrackerOptions): EdgeTracker {
  const tracker = createTracker(options);
  const stats = new TrackerStats(tracker, options.storeName ?? (options.store ? 'custom' : 'memory'), options.now, options.statsCacheMs);
  const title = options.title ?? 'torrentkit tracker';
  const pages = options.statsPages ?? true;

  async function fetch(request: Request, env?: unknown, ctx?: unknown): Promise<Response> {
    stats.tick();
    const path = pathOf(request.url);
    if (path.startsWith('/announce') || path.startsWith('/scrape')) {
      const ip = options.clientIp(request, env, ctx);
      return tracker.handleHttp(request, ip ?? '');
    }
    const read = request.method === 'GET' || request.method === 'HEAD';
    const page = pages && (path === '/stats' || path === '/stats/' || path === '/stats.json' || path === '/metrics');
    if (!page && path !== '/') return new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain' } });
    if (!read) return new Response('method not allowed\n', { status: 405, headers: { 'content-type': 'text/plain', allow: 'GET, HEAD' } });
    // The page's links and its refresh are relative (so it works under a proxy's path prefix); from
    // /stats/ they would point into /stats/..., so send the browser to the page proper.
    if (path === '/stats/') return new Response(null, { status: 301, headers: { location: '../stats', ...noStore } });
    if (path === '/') {
      return new Response(`${title}\n\nannounce: /announce\nscrape:   /scrape\nstats:    /stats\n`, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    let snapshot: StatsSnapshot;
    try {
      snapshot = await stats.snapshot();
    } catch (err) {
      // A store that does not answer (Redis down, a Durable Object shard failing) gets a plain 503,
      // not a thrown error that each platform would turn into its own error page.
      options.onError?.(err);
      return new Response('stats unavailable: the swarm store did not answer\n', { status: 503, headers: { 'content-type': 'text/plain', ...noStore } });
    }
    if (path === '/stats.json') return Response.json(snapshot, { headers: noStore });
    if (path === '/metrics') return new Response(renderMetrics(snapshot), { headers: { 'content-type': METRICS_CONTENT_TYPE, ...noStore } });
    return new Response(renderStatsPage(snapshot, title), { headers: { 'content-type': 'text/html; charset=utf-8', ...noStore } });
  }

  return { tracker, stats, fetch, close: () => tracker.close() };
}
