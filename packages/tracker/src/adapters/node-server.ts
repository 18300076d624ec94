// Serve a tracker core over node:http (HTTP announce/scrape) and node:dgram (BEP 15 UDP) on the same
// port number. Runs on Node, Deno and Bun (all provide these modules). The only place in the package
// that opens sockets for the server side.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo, Server as NetServer, Socket as NetSocket } from 'node:net';
import { createNetHttpServer } from './node-net-http.ts';
import { createTracker, type Tracker, type TrackerOptions } from '../server.ts';

/** Options of {@link serveTracker}. */
export interface ServeTrackerOptions extends TrackerOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port for both HTTP and UDP; 0 picks a free one (the same number for both). Default 0. */
  port?: number;
  /** Serve this core instead of creating one from the options. */
  tracker?: Tracker;
  /** Serve UDP too. Default true. */
  udp?: boolean;
  /** Milliseconds to receive a request's headers before the socket is dropped. Default 10,000. */
  headersTimeout?: number;
  /** Milliseconds for a whole request. Default 15,000. */
  requestTimeout?: number;
  /** Idle keep-alive connections close after this many milliseconds. Default 30,000. */
  keepAliveTimeout?: number;
  /** Largest request head (request line + headers) in bytes; larger gets 431. Default 16,384. */
  maxHeaderSize?: number;
  /**
   * HTTP front end. `node:http` (default) is Node's server and supports `clientIp` and `fallback`.
   * `net` is a minimal HTTP/1.1 server on node:net for the tracker's GET-only protocol (same limits and
   * timeouts, client address from the socket), which spends far less CPU per request; it serves only
   * the tracker's own paths.
   */
  httpEngine?: 'node:http' | 'net';
  /** Pick the client address from a request (e.g. behind a trusted proxy). Default: the socket peer. */
  clientIp?: (req: IncomingMessage) => string | undefined;
  /**
   * Answer paths the tracker does not know (e.g. `/stats`) before the 404. Return true when handled.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

/** A running server. */
export interface TrackerServer {
  readonly tracker: Tracker;
  /** The listening HTTP server (a node:net Server with `httpEngine: 'net'`). */
  readonly http: Server | NetServer;
  readonly udp: Socket | undefined;
  /** The bound port (HTTP and UDP). */
  readonly port: number;
  readonly host: string;
  /** `http://host:port/announce` */
  readonly httpUrl: string;
  /** `udp://host:port/announce` (when UDP is on) */
  readonly udpUrl: string;
  /** Stop listening, close keep-alive sockets and the store. */
  close(): Promise<void>;
}

function listenHttp(server: Server | NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function bindUdp(socket: Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

const hostForUrl = (h: string) => (h.includes(':') ? `[${h}]` : h);

/**
 * Start a tracker on `host:port`, serving HTTP and UDP. Example:
 * ```ts
 * const server = await serveTracker({ host: '127.0.0.1', port: 0, interval: 600 });
 * console.log(server.httpUrl, server.udpUrl);
 * ```
 */
export async function serveTracker(options: ServeTrackerOptions = {}): Promise<TrackerServer> {
  const host = options.host ?? '127.0.0.1';
  const tracker = options.tracker ?? createTracker(options);
  const pickIp = options.clientIp ?? ((req: IncomingMessage) => req.socket.remoteAddress);

  const useNet = options.httpEngine === 'net';
  if (useNet && (options.fallback || options.clientIp)) {
    throw new TypeError("httpEngine 'net' supports neither `fallback` nor `clientIp`; use 'node:http'");
  }
  const netOptions = {
    headersTimeout: options.headersTimeout ?? 10_000,
    keepAliveTimeout: options.keepAliveTimeout ?? 30_000,
    maxHeaderSize: options.maxHeaderSize ?? 16_384,
  };
  const http: Server | NetServer = useNet
    ? createNetHttpServer((m, t, ip) => tracker.handleHttpTarget(m, t, ip), netOptions)
    : createServer({
    maxHeaderSize: options.maxHeaderSize ?? 16_384,
    requestTimeout: options.requestTimeout ?? 15_000,
    headersTimeout: options.headersTimeout ?? 10_000,
    keepAliveTimeout: options.keepAliveTimeout ?? 30_000,
    // How often Node checks the two timeouts above; its default (30 s) would let slow clients linger.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, (options.headersTimeout ?? 10_000) / 4)),
  }, (req, res) => {
    void answerHttp(req, res);
  });

  // node:net servers have no closeAllConnections(): track sockets so close() does not wait on keep-alive.
  const netSockets = new Set<NetSocket>();
  if (useNet) {
    http.on('connection', (s: NetSocket) => {
      netSockets.add(s);
      s.on('close', () => netSockets.delete(s));
    });
  }

  async function answerHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const target = req.url ?? '/';
      const pathEnd = target.indexOf('?');
      const path = pathEnd < 0 ? target : target.slice(0, pathEnd);
      const known = path.startsWith('/announce') || path.startsWith('/scrape');
      if (!known && options.fallback && (await options.fallback(req, res))) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        // Never read request bodies: a tracker has no use for them.
        res.shouldKeepAlive = false;
      }
      const ip = pickIp(req) ?? '';
      const r = await tracker.handleHttpTarget(req.method ?? 'GET', target, ip);
      res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': r.body.length });
      // As a Latin-1 string the body joins the header in one write() instead of a two-chunk writev().
      res.end(req.method === 'HEAD' ? undefined : latin1(r.body), 'latin1');
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }

  const wantUdp = options.udp ?? true;
  let port = options.port ?? 0;
  let udp: Socket | undefined;
  // With port 0, the HTTP port is free for TCP but maybe not for UDP: retry a few times.
  for (let attempt = 0; ; attempt++) {
    const bound = await listenHttp(http, port, host);
    if (!wantUdp) { port = bound; break; }
    const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    try {
      await bindUdp(sock, bound, host);
      udp = sock;
      port = bound;
      break;
    } catch (err) {
      sock.close();
      await new Promise<void>((r) => http.close(() => r()));
      if (options.port || attempt >= 5) throw err;
    }
  }

  udp?.on('message', (msg, rinfo) => {
    const packet = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    tracker.handleUdp(packet, rinfo).then((reply) => {
      if (reply) udp!.send(reply, rinfo.port, rinfo.address);
    }, () => {});
  });
  udp?.on('error', () => {}); // ICMP errors on send must not bring the server down

  const sweep = setInterval(() => { tracker.expire().catch(() => {}); }, 60_000);
  (sweep as { unref?: () => void }).unref?.();

  return {
    tracker, http, udp, port, host,
    httpUrl: `http://${hostForUrl(host)}:${port}/announce`,
    udpUrl: `udp://${hostForUrl(host)}:${port}/announce`,
    async close() {
      clearInterval(sweep);
      const closed = new Promise<void>((r) => http.close(() => r()));
      if ('closeAllConnections' in http) http.closeAllConnections();
      else for (const s of netSockets) s.destroy();
      await closed;
      if (udp) await new Promise<void>((r) => udp!.close(() => r()));
      await tracker.close();
    },
  };
}
