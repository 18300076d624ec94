// /metrics in the Prometheus text exposition format (version 0.0.4).
import type { StatsSnapshot } from './stats.ts';

/** Content type of {@link renderMetrics}'s output. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const metrics: [Exclude<keyof StatsSnapshot, 'rateHistory'>, string, 'gauge' | 'counter', string][] = [
  ['swarms', 'torrentkit_tracker_swarms', 'gauge', 'Swarms with at least one peer.'],
  ['seeders', 'torrentkit_tracker_seeders', 'gauge', 'Peers that have the whole torrent.'],
  ['leechers', 'torrentkit_tracker_leechers', 'gauge', 'Peers still downloading.'],
  ['announces', 'torrentkit_tracker_announces_total', 'counter', 'Announces handled (HTTP and UDP).'],
  ['scrapes', 'torrentkit_tracker_scrapes_total', 'counter', 'Scrapes handled (HTTP and UDP).'],
  ['udpConnects', 'torrentkit_tracker_udp_connects_total', 'counter', 'UDP connect requests answered.'],
  ['failures', 'torrentkit_tracker_failures_total', 'counter', 'Requests answered with a failure reason or UDP error.'],
  ['dropped', 'torrentkit_tracker_dropped_total', 'counter', 'UDP datagrams dropped (garbage, rate limited).'],
  ['announcesPerSecond', 'torrentkit_tracker_announces_per_second', 'gauge', 'Announce rate over the last minute.'],
  ['uptimeSeconds', 'torrentkit_tracker_uptime_seconds', 'gauge', 'Seconds since this process started.'],
];

/** Renders a snapshot as Prometheus metrics; `instance` labels are left to the scraper. */
export function renderMetrics(s: StatsSnapshot): string {
  let out = '';
  for (const [field, name, type, help] of metrics) {
    out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${Number(s[field])}\n`;
  }
  out += `# HELP torrentkit_tracker_info Static facts about this tracker.\n# TYPE torrentkit_tracker_info gauge\n`;
  out += `torrentkit_tracker_info{store="${s.store.replace(/["\\\n]/g, '_')}"} 1\n`;
  return out;
}
