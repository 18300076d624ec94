// Serve a tracker core over HTTP (a lean node:net engine by default, or node:http) and node:dgram (BEP 15 UDP) on the same
// port number. Runs on Node, Deno and Bun (all provide these modules). The only place in the package
// that opens sockets for the server side.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo, Server as NetServer, Socket as NetSocket } from 'node:net';
import { createNetHttpServer, headerValue, type NetHttpReply } from './node-net-http.ts';
import { clientIpBehindProxies, normalizeIpText, trustedProxySet } from '../forwarded-for.ts';
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
   * HTTP front end. `net` (the default) is a minimal HTTP/1.1 server on node:net for the tracker's
   * small GET requests, with the same limits and timeouts, keep-alive, pipelining and HTTP/1.0; it
   * spends far less CPU per request than node:http. `node:http` is Node's own server; it is picked
   * automatically when the node:http-only hooks `clientIp` or `fallback` are given.
   */
  httpEngine?: 'node:http' | 'net';
  /**
   * Reverse proxies whose `X-Forwarded-For` is believed (both engines). Default none: the socket
   * address is the client address.
   */
  trustedProxies?: readonly string[];
  /**
   * Answer paths other than `/announce*` and `/scrape*` (e.g. `/stats`) with a fetch-style handler
   * (both engines). `clientIp` is the address the tracker would use. Without it those paths get 404.
   */
  fetchFallback?: (request: Request, clientIp: string) => Response | Promise<Response>;
  /** node:http only: pick the client address from a request. Default: the socket peer (and `trustedProxies`). */
  clientIp?: (req: IncomingMessage) => string | undefined;
  /**
   * node:http only: answer unknown paths before the 404 with node's req/res. Return true when handled.
   * Prefer {@link fetchFallback}, which works on both engines.
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

const isTrackerPath = (target: string) => target.startsWith('/announce') || target.startsWith('/scrape');

const joinHeader = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);

/** Request headers of a raw head for a fallback Request; lines the Headers class refuses are skipped. */
function headersOf(head: string): Headers {
  const h = new Headers();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    try {
      h.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch { /* not a valid header: ignore it, as a proxy would */ }
  }
  return h;
}

/** A fetch Response as an engine reply (body read fully; fallback pages are small). */
async function netReplyOf(res: Response): Promise<NetHttpReply> {
  // Read the body for HEAD too: its length is the content-length a GET would get.
  const body = new Uint8Array(await res.arrayBuffer());
  const headers: [string, string][] = [];
  res.headers.forEach((v, k) => { if (k !== 'content-type') headers.push([k, v]); });
  return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/octet-stream', body, headers };
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
  const nodeOnly = options.fallback !== undefined || options.clientIp !== undefined;
  const useNet = (options.httpEngine ?? (nodeOnly ? 'node:http' : 'net')) === 'net';
  if (useNet && nodeOnly) {
    throw new TypeError("httpEngine 'net' supports neither `fallback` nor `clientIp`; use `fetchFallback` and `trustedProxies`, or 'node:http'");
  }
  const trusted = trustedProxySet(options.trustedProxies ?? []);
  // Without trusted proxies (the usual case) the socket address is the answer: no header work.
  const ipFrom = (socketIp: string | undefined, forwardedFor: () => string | undefined): string =>
    (trusted.size === 0 || socketIp === undefined || !trusted.has(normalizeIpText(socketIp))
      ? socketIp
      : clientIpBehindProxies(socketIp, forwardedFor(), trusted)) ?? '';
  const fetchFallback = options.fetchFallback;
  let origin = ''; // set once listening; the base URL of fallback Requests

  const http: Server | NetServer = useNet
    ? createNetHttpServer(async (method, target, socketIp, head) => {
      const ip = ipFrom(socketIp, () => headerValue(head, 'x-forwarded-for'));
      if (!fetchFallback || isTrackerPath(target)) return tracker.handleHttpTarget(method, target, ip);
      const res = await fetchFallback(new Request(origin + target, { method, headers: headersOf(head) }), ip);
      return netReplyOf(res);
    }, {
      headersTimeout: options.headersTimeout ?? 10_000,
      keepAliveTimeout: options.keepAliveTimeout ?? 30_000,
      maxHeaderSize: options.maxHeaderSize ?? 16_384,
    })
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

  const pickIp = options.clientIp ??
    ((req: IncomingMessage) => ipFrom(req.socket.remoteAddress, () => joinHeader(req.headers['x-forwarded-for'])));

  async function answerHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const target = req.url ?? '/';
      const known = isTrackerPath(target);
      if (!known && options.fallback && (await options.fallback(req, res))) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        // Never read request bodies: a tracker has no use for them.
        res.shouldKeepAlive = false;
      }
      const ip = pickIp(req) ?? '';
      if (!known && fetchFallback) {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, joinHeader(v)!);
        const response = await fetchFallback(new Request(origin + target, { method: req.method ?? 'GET', headers }), ip);
        const r = await netReplyOf(response);
        const out: Record<string, string> = { 'content-type': r.contentType };
        for (const [k, v] of r.headers ?? []) out[k] = v;
        out['content-length'] = String(r.body.length);
        res.writeHead(r.status, out);
        res.end(req.method === 'HEAD' ? undefined : r.body);
        return;
      }
      const r = await tracker.handleHttpTarget(req.method ?? 'GET', target, ip);
      const head: Record<string, string | number> = { 'content-type': r.contentType, 'content-length': r.body.length };
      for (const [k, v] of r.headers ?? []) head[k] = v;
      res.writeHead(r.status, head);
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

  origin = `http://${hostForUrl(host)}:${port}`;

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
