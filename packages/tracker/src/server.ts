// The tracker core: turns HTTP requests (fetch API) and UDP packets (BEP 15) into store operations
// and protocol-correct replies. No sockets, no timers: adapters (node.ts, apps/edge-tracker) feed it.
import { TrackerError } from './errors.ts';
import { parseAnnounceQuery, parseScrapeParams, type AnnounceRequest } from './http/announce-request.ts';
import { parseQuery } from './http/query.ts';
import { encodeAnnounceReply, encodeAnnounceReplyDicts, encodeFailure, encodeScrapeReply } from './http/reply.ts';
import { parseIp } from './ip.ts';
import { infoHashMatcher, passkeyMatcher, RateLimiter, type InfoHashList, type PasskeyCheck, type RateLimitOptions } from './policy.ts';
import type { AnnounceEvent, StoreAnnounce, StoreAnnounceResult, SwarmStore } from './store.ts';
import { MemorySwarmStore } from './stores/memory.ts';
import { ConnectionIds } from './udp/connection-id.ts';
import {
  decodeRequest, encodeAnnounceResponse, encodeConnectResponse, encodeErrorResponse, encodeScrapeResponse,
  type UdpAnnounceRequest,
} from './udp/packets.ts';

/** Options of {@link createTracker}. */
export interface TrackerOptions {
  /** Where swarms live. Default: a new {@link MemorySwarmStore}. */
  store?: SwarmStore;
  /** Seconds between regular announces, sent as `interval`. Default 1800. */
  interval?: number;
  /** `min interval` in seconds. Default half of `interval`. */
  minInterval?: number;
  /** Milliseconds a silent peer is kept. Default 1.5 * interval. */
  peerTtl?: number;
  /** Peers returned when the client does not say. Default 50. */
  numwantDefault?: number;
  /** Most peers returned to one announce. Default 200. */
  numwantMax?: number;
  /** Only these info hashes are tracked. */
  allowList?: InfoHashList;
  /** These info hashes are refused. */
  denyList?: InfoHashList;
  /** Private mode: announces must come to `/announce/<passkey>` with a passkey accepted here. */
  passkeys?: PasskeyCheck;
  /** Per-client request rate limit (HTTP and UDP together): per IPv4 address, per IPv6 /64 by default. */
  rateLimit?: RateLimitOptions;
  /** Honor the `ip` parameter (and the UDP `ip` field). Off by default: it lets clients list others. */
  trustIpParam?: boolean;
  /** Longest HTTP query string accepted, in chars. Default 8192. */
  maxQueryLength?: number;
  /** Most info hashes in one HTTP scrape. Default 64. */
  maxScrapeHashes?: number;
  /** Sent as `warning message` in every announce reply. */
  warning?: string;
  /** Secret for UDP connection IDs (share it between processes on one port). Random by default. */
  connectionSecret?: Uint8Array;
  /** Milliseconds between expiry sweeps, triggered by traffic. Default 60,000. 0 disables. */
  expireEvery?: number;
  /** Clock in milliseconds (tests inject one). Default `Date.now`. */
  now?: () => number;
  /** Called with unexpected errors (store failures); the client gets a generic failure. */
  onError?: (error: unknown) => void;
}

/** A reply for an HTTP adapter that does not want to build a `Response`. */
export interface RawHttpReply {
  status: number;
  contentType: string;
  body: Uint8Array;
  /** Headers beyond content type and length (such as `allow` on a 405), `cache-control` included when set. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

/** Counters for stats pages. */
export interface TrackerCounters {
  announces: number;
  scrapes: number;
  connects: number;
  failures: number;
  dropped: number;
}

/** A tracker instance: pure request handlers over a store. */
export interface Tracker {
  readonly store: SwarmStore;
  readonly counters: TrackerCounters;
  /** Answer an HTTP request (`/announce[/<passkey>]`, `/scrape[/<passkey>]`); `clientIp` is the peer's address text. */
  handleHttp(request: Request, clientIp: string): Promise<Response>;
  /** Same as {@link handleHttp} from a method and request target (`/announce?...`), without fetch objects. */
  handleHttpTarget(method: string, target: string, clientIp: string): Promise<RawHttpReply>;
  /** Answer one UDP datagram; null means send nothing. */
  handleUdp(packet: Uint8Array, remote: { address: string; port: number }): Promise<Uint8Array | null>;
  /** Drop expired peers now (adapters may also rely on traffic-triggered sweeps). */
  expire(): Promise<number>;
  close(): Promise<void>;
}

const TEXT = 'text/plain';

/** FNV-1a digest of the client `key`, never 0 (0 means "no key"). */
function keyDigest(key: Uint8Array | undefined): number {
  if (!key || key.length === 0) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return h >>> 0 || 1;
}

/**
 * What a client may be told of an error: the message of a `TRACKER_` error (a refusal meant for it).
 * Anything else, a store's `REDIS_` errors included, is internal: it goes to `onError`, and the
 * client gets a generic reason instead of internal addresses.
 */
function reasonOf(err: unknown): string | undefined {
  return err instanceof TrackerError && err.code.startsWith('TRACKER_') ? err.message : undefined;
}

/** Create a tracker core. See {@link TrackerOptions}. */
export function createTracker(options: TrackerOptions = {}): Tracker {
  const store = options.store ?? new MemorySwarmStore();
  const memory = store instanceof MemorySwarmStore ? store : undefined;
  const interval = options.interval ?? 1800;
  const minInterval = options.minInterval ?? Math.floor(interval / 2);
  const ttl = options.peerTtl ?? interval * 1500;
  const numwantDefault = options.numwantDefault ?? 50;
  const numwantMax = options.numwantMax ?? 200;
  const allowed = options.allowList ? infoHashMatcher(options.allowList) : undefined;
  const denied = options.denyList ? infoHashMatcher(options.denyList) : undefined;
  const passkeyOk = options.passkeys ? passkeyMatcher(options.passkeys) : undefined;
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
  const maxQuery = options.maxQueryLength ?? 8192;
  const maxScrape = options.maxScrapeHashes ?? 64;
  const expireEvery = options.expireEvery ?? 60_000;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const ids = new ConnectionIds(options.connectionSecret);
  const counters: TrackerCounters = { announces: 0, scrapes: 0, connects: 0, failures: 0, dropped: 0 };
  let lastExpire = now();
  let expiring = false;

  function maybeExpire(t: number): void {
    if (expireEvery <= 0 || expiring || t - lastExpire < expireEvery) return;
    lastExpire = t;
    expiring = true;
    store.expire(t).catch(onError).finally(() => { expiring = false; });
  }

  function checkInfoHash(h: Uint8Array): void {
    if (allowed && !allowed(h)) throw new TrackerError('TRACKER_NOT_ALLOWED', 'torrent not allowed on this tracker');
    if (denied && denied(h)) throw new TrackerError('TRACKER_NOT_ALLOWED', 'torrent not allowed on this tracker');
  }

  async function checkPasskey(passkey: string | undefined): Promise<void> {
    if (!passkeyOk) return;
    if (!passkey || passkey.length > 128 || !(await passkeyOk(passkey))) {
      throw new TrackerError('TRACKER_BAD_PASSKEY', 'unknown passkey');
    }
  }

  function wanted(n: number): number {
    return n < 0 ? numwantDefault : Math.min(n, numwantMax);
  }

  function runAnnounce(r: StoreAnnounce): StoreAnnounceResult | Promise<StoreAnnounceResult> {
    counters.announces++;
    maybeExpire(r.now);
    // The in-memory store answers synchronously; skip a promise round trip on the hot path.
    return memory ? memory.announceSync(r) : store.announce(r);
  }

  function fail(reason: string): RawHttpReply {
    counters.failures++;
    return { status: 200, contentType: TEXT, body: encodeFailure(reason) };
  }

  async function httpAnnounce(query: string, clientIp: Uint8Array, passkey: string | undefined): Promise<RawHttpReply> {
    const req: AnnounceRequest = parseAnnounceQuery(query, { maxLength: maxQuery });
    await checkPasskey(passkey);
    checkInfoHash(req.infoHash);
    const ip = options.trustIpParam && req.ip ? req.ip : clientIp;
    const withIds = !req.compact && !req.noPeerId;
    const t = now();
    const res = await runAnnounce({
      infoHash: req.infoHash, peerId: req.peerId, ip, port: req.port, seeder: req.left === 0, event: req.event,
      numwant: req.event === 'stopped' ? 0 : wanted(req.numwant), key: keyDigest(req.key), withPeerIds: withIds,
      now: t, ttl,
    });
    const reply = {
      interval, minInterval, complete: res.complete, incomplete: res.incomplete, peers4: res.peers4, peers6: res.peers6,
      peerIds4: withIds ? res.peerIds4 : undefined, peerIds6: withIds ? res.peerIds6 : undefined,
      trackerId: req.trackerId, warning: options.warning,
    };
    return { status: 200, contentType: TEXT, body: req.compact ? encodeAnnounceReply(reply) : encodeAnnounceReplyDicts(reply) };
  }

  async function httpScrape(query: string, passkey: string | undefined): Promise<RawHttpReply> {
    const hashes = parseScrapeParams(parseQuery(query, { maxLength: maxQuery }), maxScrape);
    await checkPasskey(passkey);
    if (hashes.length === 0) throw new TrackerError('TRACKER_FULL_SCRAPE', 'full scrape is not supported; pass info_hash');
    counters.scrapes++;
    const rows = memory ? memory.scrapeSync(hashes) : await store.scrape(hashes, now());
    return {
      status: 200, contentType: TEXT,
      body: encodeScrapeReply(hashes.map((h, i) => {
        const hidden = (allowed && !allowed(h)) || (denied && denied(h));
        const r = hidden ? { complete: 0, incomplete: 0, downloaded: 0 } : rows[i]!;
        return { infoHash: h, ...r };
      }), minInterval),
    };
  }

  async function handleHttpTarget(method: string, target: string, clientIpText: string): Promise<RawHttpReply> {
    if (target.length > maxQuery + 512) return fail('request too large');
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    const m = /^\/(announce|scrape)(?:\/([^/]*))?\/?$/.exec(path);
    if (!m) return { status: 404, contentType: TEXT, body: new TextEncoder().encode('not found\n') };
    // HEAD is refused on /announce, where a GET changes the swarm: a HEAD must not.
    const allow = m[1] === 'announce' ? 'GET' : 'GET, HEAD';
    if (method !== 'GET' && (method !== 'HEAD' || m[1] === 'announce')) {
      return { status: 405, contentType: TEXT, body: encodeFailure('use GET'), headers: [['allow', allow], ['cache-control', 'no-store']] };
    }
    const clientIp = parseIp(clientIpText);
    if (!clientIp) return fail('unknown client address');
    if (limiter && !limiter.take(clientIp, now())) return fail('rate limited, slow down');
    let passkey: string | undefined;
    if (m[2] !== undefined) {
      try {
        passkey = decodeURIComponent(m[2]);
      } catch {
        return fail('unknown passkey');
      }
    }
    try {
      return m[1] === 'announce' ? await httpAnnounce(query, clientIp, passkey) : await httpScrape(query, passkey);
    } catch (err) {
      const reason = reasonOf(err);
      if (reason === undefined) onError(err);
      return fail(reason ?? 'internal tracker error');
    }
  }

  async function handleHttp(request: Request, clientIp: string): Promise<Response> {
    const url = request.url;
    // The request target is whatever follows the origin; URL() would re-encode nothing we need.
    const scheme = url.indexOf('://');
    const slash = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
    const target = slash < 0 ? '/' : url.slice(slash);
    const r = await handleHttpTarget(request.method, target, clientIp);
    const headers = new Headers({ 'content-type': r.contentType, 'cache-control': 'no-store' });
    for (const [k, v] of r.headers ?? []) headers.set(k, v);
    return new Response(request.method === 'HEAD' ? null : (r.body as Uint8Array<ArrayBuffer>), { status: r.status, headers });
  }

  function udpError(tid: number, message: string): Uint8Array {
    counters.failures++;
    return encodeErrorResponse(tid, message);
  }

  async function udpAnnounce(req: UdpAnnounceRequest, ip: Uint8Array, t: number): Promise<Uint8Array> {
    if (req.port === 0) return udpError(req.transactionId, 'invalid port');
    if (passkeyOk) {
      const m = /^\/announce\/([^/?]+)/.exec(req.urlData);
      await checkPasskey(m ? m[1] : undefined);
    }
    checkInfoHash(req.infoHash);
    let peerIp = ip;
    if (options.trustIpParam && req.ip !== 0 && ip.length === 4) {
      peerIp = new Uint8Array([req.ip >>> 24, (req.ip >>> 16) & 255, (req.ip >>> 8) & 255, req.ip & 255]);
    }
    const event: AnnounceEvent = req.event;
    const res = await runAnnounce({
      // Remote stores may keep the bytes past this call: give them copies, not views of the packet.
      infoHash: memory ? req.infoHash : req.infoHash.slice(), peerId: memory ? req.peerId : req.peerId.slice(), ip: peerIp, port: req.port, seeder: req.left === 0n,
      event, numwant: event === 'stopped' ? 0 : wanted(req.numWant), key: req.key >>> 0,
      withPeerIds: false, now: t, ttl,
    });
    // BEP 15: peers of the request's address family (6-byte entries over IPv4, 18-byte over IPv6).
    const peers = ip.length === 4 ? res.peers4 : res.peers6;
    return encodeAnnounceResponse(req.transactionId, interval, res.incomplete, res.complete, peers);
  }

  async function handleUdp(packet: Uint8Array, remote: { address: string; port: number }): Promise<Uint8Array | null> {
    const req = decodeRequest(packet);
    if (!req) {
      counters.dropped++;
      return null;
    }
    const ip = parseIp(remote.address);
    if (!ip) {
      counters.dropped++;
      return null;
    }
    const t = now();
    if (limiter && !limiter.take(ip, t)) {
      counters.dropped++;
      return null;
    }
    if (req.action === 'connect') {
      counters.connects++;
      return encodeConnectResponse(req.transactionId, ids.issue(ip, remote.port, t));
    }
    if (!ids.verify(req.connectionId, ip, remote.port, t)) return udpError(req.transactionId, 'bad or expired connection id');
    try {
      if (req.action === 'announce') return await udpAnnounce(req, ip, t);
      if (passkeyOk) return udpError(req.transactionId, 'scrape needs a passkey; use HTTP');
      counters.scrapes++;
      const rows = memory ? memory.scrapeSync(req.infoHashes) : await store.scrape(req.infoHashes.map((h) => h.slice()), t);
      return encodeScrapeResponse(req.transactionId, rows.map((r, i) => {
        const h = req.infoHashes[i]!;
        return (allowed && !allowed(h)) || (denied && denied(h)) ? { complete: 0, incomplete: 0, downloaded: 0 } : r;
      }));
    } catch (err) {
      const reason = reasonOf(err);
      if (reason === undefined) onError(err);
      return udpError(req.transactionId, reason ?? 'internal tracker error');
    }
  }

  return {
    store,
    counters,
    handleHttp,
    handleHttpTarget,
    handleUdp,
    expire: () => store.expire(now()),
    close: () => store.close(),
  };
}
