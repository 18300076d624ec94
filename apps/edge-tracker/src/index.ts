// @torrentkit/edge-tracker: the tracker as one fetch handler, plus stats pages. Platform adapters
// live in src/adapters/ and the Node/Bun/Deno server (HTTP + UDP) in src/server.ts.
export { createEdgeTracker, type ClientIpSource, type EdgeTracker, type EdgeTrackerOptions } from './app.ts';
export { clientIpBehindProxies, parseTrustedProxies, type TrustedProxies } from './client-ip.ts';
export { trackerOptionsFromEnv, type TrackerEnv } from './env-options.ts';
export { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
export { renderStatsPage, formatCount, formatUptime } from './stats-page.ts';
export { TrackerStats, type StatsSnapshot } from './stats.ts';
