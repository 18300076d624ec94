// Server mode for Node, Bun and Deno: HTTP and UDP (BEP 15) on the same port number, via the tracker
// package's server adapter (its lean node:net HTTP engine and node:dgram), with the stats pages of the fetch handler on top.
import { serveTracker, type TrackerServer } from '@torrentkit/tracker/node';
import { createEdgeTracker, type EdgeTracker, type EdgeTrackerOptions } from './app.ts';

/** Options of {@link startTrackerServer}. */
export interface TrackerServerOptions extends Omit<EdgeTrackerOptions, 'clientIp'> {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Port for HTTP and UDP; 0 picks a free one. Default 8000. */
  port?: number;
  /** Serve UDP too. Default true. */
  udp?: boolean;
  /** Reverse proxies whose `X-Forwarded-For` is believed. Default none: the socket address counts. */
  trustedProxies?: readonly string[];
}

/** A running server and the fetch handler behind it. */
export interface RunningTracker {
  server: TrackerServer;
  app: EdgeTracker;
  /** `http://host:port` */
  origin: string;
  close(): Promise<void>;
}

/** Starts the tracker (HTTP + UDP) with /stats, /stats.json and /metrics. */
export async function startTrackerServer(options: TrackerServerOptions = {}): Promise<RunningTracker> {
  // The server adapter picks the client address (socket, or X-Forwarded-For from a trusted proxy)
  // and hands every other path to the app's fetch handler.
  const app = createEdgeTracker({ ...options, clientIp: () => undefined });
  const server = await serveTracker({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8000,
    udp: options.udp ?? true,
    tracker: app.tracker,
    trustedProxies: options.trustedProxies ?? [],
    fetchFallback: (request) => app.fetch(request),
  });
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  const origin = `http://${host}:${server.port}`;
  return { server, app, origin, close: () => server.close() };
}
