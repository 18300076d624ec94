// Server mode for Node, Bun and Deno: HTTP and UDP (BEP 15) on the same port number, via the tracker
// package's node:http/node:dgram adapter, with the stats pages of the fetch handler on top.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveTracker, type TrackerServer } from '@torrentkit/tracker/node';
import { createEdgeTracker, type EdgeTracker, type EdgeTrackerOptions } from './app.ts';
import { clientIpBehindProxies } from './client-ip.ts';

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

function forwardedHeaders(req: IncomingMessage): Headers {
  const h = new Headers();
  const xff = req.headers['x-forwarded-for'];
  if (xff) h.set('x-forwarded-for', Array.isArray(xff) ? xff.join(',') : xff);
  return h;
}

/** Starts the tracker (HTTP + UDP) with /stats, /stats.json and /metrics. */
export async function startTrackerServer(options: TrackerServerOptions = {}): Promise<RunningTracker> {
  const trusted = options.trustedProxies ?? [];
  // Without trusted proxies (the usual case) the socket address is the answer: no header work.
  const ipOf = trusted.length === 0
    ? (req: IncomingMessage) => req.socket.remoteAddress
    : (req: IncomingMessage) => clientIpBehindProxies(req.socket.remoteAddress, forwardedHeaders(req), trusted);
  const app = createEdgeTracker({ ...options, clientIp: () => undefined });
  let origin = '';

  async function fallback(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const response = await app.fetch(new Request(`${origin}${req.url ?? '/'}`, { method: req.method ?? 'GET' }));
    const body = new Uint8Array(await response.arrayBuffer());
    const headers: Record<string, string> = {};
    response.headers.forEach((v, k) => { headers[k] = v; });
    headers['content-length'] = String(body.length);
    res.writeHead(response.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  const server = await serveTracker({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8000,
    udp: options.udp ?? true,
    tracker: app.tracker,
    clientIp: ipOf,
    fallback: (req, res) => {
      app.stats.tick();
      return fallback(req, res);
    },
  });
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  origin = `http://${host}:${server.port}`;
  return { server, app, origin, close: () => server.close() };
}
