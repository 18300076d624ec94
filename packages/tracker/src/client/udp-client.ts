// BEP 15 UDP tracker client: connect, then announce/scrape with the connection ID, retransmitting
// after 15 * 2^n seconds (n = 0..8) as the BEP says. Datagram I/O is injected (UdpTransport); the
// `./node` entry point has a node:dgram one.
import { TrackerError } from '../errors.ts';
import { isV4Mapped, parseIp } from '../ip.ts';
import type { AnnounceEvent } from '../store.ts';
import { decodeResponse, encodeAnnounceRequest, encodeConnectRequest, encodeScrapeRequest, MAX_SCRAPE_HASHES, type UdpResponse } from '../udp/packets.ts';
import { parseCompactPeers, type AnnounceResult, type ScrapeResult } from './announce-response.ts';
import { checkAnnounceParams, checkInfoHashes, type AnnounceParams } from './params.ts';

/** Datagram I/O for the UDP client. */
export interface UdpTransport {
  /**
   * Send one datagram; `host` is an address or a name. A returned promise that rejects (the name
   * did not resolve, the send failed) fails the request at once with TRACKER_NETWORK instead of
   * leaving it to the retransmission schedule; a synchronous throw counts as a lost packet.
   */
  send(packet: Uint8Array, host: string, port: number): void | Promise<void>;
  /**
   * Set the receiver of every datagram that arrives, with the sender's address text and port. A
   * reply is taken only from the address (when the tracker URL names one) and port it was asked of;
   * a transport that does not pass the port leaves that check out.
   */
  onMessage(handler: (packet: Uint8Array, fromAddress: string, fromPort?: number) => void): void;
  close(): void;
}

/** Retry timing (BEP 15 defaults: 15 s base, 8 doublings). Tests shrink `baseMs`. */
export interface UdpRetryOptions {
  /** First wait before a retransmission, in ms. Default 15,000. */
  baseMs?: number;
  /** Retransmissions before giving up (n goes 0..maxRetries). Default 8. */
  maxRetries?: number;
  /** How long a connection ID is used after it arrived, ms. Default 60,000 (BEP 15: one minute). */
  connectionIdLifetimeMs?: number;
}

/** Thrown inside an exchange whose connection ID expired before a retransmission was due. */
const EXPIRED = Symbol('connection id expired');

/** A connection ID and when it arrived (Date.now()). */
interface Connection { id: Uint8Array; at: number }

interface Pending {
  /** Whether a datagram from this address and port may answer the request. */
  accepts: (from: string, fromPort: number | undefined) => boolean;
  resolve: (r: { res: UdpResponse; from: string }) => void;
  cancel: () => void;
}

/** Parses `udp://host:port[/path]` into its parts; the path and query go out as BEP 41 URL data. */
export function parseUdpUrl(url: string): { host: string; port: number; urlData: string } {
  const m = /^udp:\/\/(\[[^\]]+\]|[^/:?#]+):(\d{1,5})([^#]*)/i.exec(url);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new TrackerError('TRACKER_BAD_URL', `not a udp tracker URL: ${url}`);
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port, urlData: m[3] ?? '' };
}

const EVENT_OF: Record<AnnounceEvent, AnnounceEvent> = { none: 'none', started: 'started', stopped: 'stopped', completed: 'completed' };

/** A UDP tracker client over one transport; reuse it for every UDP tracker. */
export class UdpTrackerClient {
  private readonly transport: UdpTransport;
  private readonly baseMs: number;
  private readonly maxRetries: number;
  private readonly lifetime: number;
  private readonly pending = new Map<number, Pending>();
  private readonly connections = new Map<string, Connection>();
  /** Connects in flight, by `host|port`. */
  private readonly connecting = new Map<string, Promise<Connection>>();
  private closed = false;

  constructor(transport: UdpTransport, retry: UdpRetryOptions = {}) {
    this.transport = transport;
    this.baseMs = retry.baseMs ?? 15_000;
    this.maxRetries = retry.maxRetries ?? 8;
    this.lifetime = retry.connectionIdLifetimeMs ?? 60_000;
    transport.onMessage((packet, from, fromPort) => {
      const res = decodeResponse(packet);
      if (!res) return;
      const p = this.pending.get(res.transactionId);
      if (!p || !p.accepts(from, fromPort)) return; // late, duplicate, forged or from elsewhere
      this.pending.delete(res.transactionId);
      p.resolve({ res, from });
    });
  }

  private newTid(): number {
    const a = new Uint32Array(1);
    do crypto.getRandomValues(a); while (this.pending.has(a[0]!));
    return a[0]!;
  }

  /**
   * Send `build(tid)` and wait for its reply, retransmitting after base * 2^n. `attempt` carries n
   * across the connect and announce steps of one operation. A request that carries a connection ID
   * valid until `expiresAt` is not retransmitted after that: it throws EXPIRED for a reconnect.
   */
  private async exchange(host: string, port: number, build: (tid: number) => Uint8Array, state: { n: number }, signal?: AbortSignal, expiresAt = Infinity): Promise<{ res: UdpResponse; from: string }> {
    const tid = this.newTid();
    const packet = build(tid);
    // A host name resolves inside the transport, so only an address literal can be compared.
    const hostIp = parseIp(host);
    const accepts = (from: string, fromPort: number | undefined) => {
      if (fromPort !== undefined && fromPort !== port) return false;
      if (!hostIp) return true;
      const fromIp = parseIp(from);
      return fromIp !== null && fromIp.length === hostIp.length && fromIp.every((b, i) => b === hostIp[i]);
    };
    for (;;) {
      if (this.closed) throw new TrackerError('TRACKER_ABORTED', 'client closed');
      if (signal?.aborted) throw new TrackerError('TRACKER_ABORTED', 'announce aborted');
      // setTimeout runs a delay beyond 2^31-1 ms after 1 ms, which would retransmit at once: cap it.
      const wait = Math.min(this.baseMs * 2 ** state.n, 0x7fffffff);
      let sendError = undefined as { err: unknown } | undefined;
      const got = await new Promise<{ res: UdpResponse; from: string } | null>((resolve) => {
        const timer = setTimeout(() => { this.pending.delete(tid); cleanup(); resolve(null); }, wait);
        const onAbort = () => { clearTimeout(timer); this.pending.delete(tid); resolve(null); };
        const cleanup = () => signal?.removeEventListener('abort', onAbort);
        signal?.addEventListener('abort', onAbort, { once: true });
        const onReply = (r: { res: UdpResponse; from: string }) => { clearTimeout(timer); cleanup(); resolve(r); };
        this.pending.set(tid, {
          accepts,
          resolve: onReply,
          cancel: () => { clearTimeout(timer); cleanup(); resolve(null); },
        });
        try {
          const sent = this.transport.send(packet, host, port);
          sent?.then(undefined, (err: unknown) => {
            if (this.pending.get(tid)?.resolve !== onReply) return; // this attempt is over already
            this.pending.delete(tid);
            sendError = { err };
            clearTimeout(timer);
            cleanup();
            resolve(null);
          });
        } catch {
          // A send error (no route) is treated like a lost packet; the timer retries.
        }
      });
      if (sendError) {
        const msg = sendError.err instanceof Error ? sendError.err.message : String(sendError.err);
        throw new TrackerError('TRACKER_NETWORK', `cannot send to ${host}:${port}: ${msg}`, { cause: sendError.err });
      }
      if (got) {
        if (got.res.action === 'error') throw new TrackerError('TRACKER_FAILURE', got.res.message);
        return got;
      }
      if (this.closed) throw new TrackerError('TRACKER_ABORTED', 'client closed');
      if (signal?.aborted) throw new TrackerError('TRACKER_ABORTED', 'announce aborted');
      if (state.n >= this.maxRetries) throw new TrackerError('TRACKER_TIMEOUT', `no UDP reply from ${host}:${port}`);
      state.n++;
      // BEP 15: a connection ID must be requested again once it expired; the tracker ignores the old one.
      if (Date.now() >= expiresAt) throw EXPIRED;
    }
  }

  private async connection(host: string, port: number, state: { n: number }, signal?: AbortSignal): Promise<Connection> {
    const key = `${host}|${port}`;
    for (;;) {
      const c = this.connections.get(key);
      if (c && Date.now() - c.at < this.lifetime) return c;
      const shared = this.connecting.get(key);
      if (!shared) break;
      // Requests that start together share one connect instead of each sending its own.
      const got = await this.joinConnect(shared, signal);
      if (got) return got;
      if (this.connecting.get(key) === shared) this.connecting.delete(key);
    }
    const connect = (async () => {
      const { res } = await this.exchange(host, port, encodeConnectRequest, state, signal);
      if (res.action !== 'connect') throw new TrackerError('TRACKER_BAD_RESPONSE', `expected connect, got ${res.action}`);
      const fresh = { id: res.connectionId, at: Date.now() };
      this.connections.set(key, fresh);
      return fresh;
    })();
    this.connecting.set(key, connect);
    try {
      return await connect;
    } finally {
      if (this.connecting.get(key) === connect) this.connecting.delete(key);
    }
  }

  /**
   * Wait for another request's connect, under our own signal. Null when that request was aborted
   * (its signal, not ours): the caller connects itself. Its other failures are ours too.
   */
  private joinConnect(shared: Promise<Connection>, signal?: AbortSignal): Promise<Connection | null> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new TrackerError('TRACKER_ABORTED', 'announce aborted'));
      const onAbort = () => reject(new TrackerError('TRACKER_ABORTED', 'announce aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      shared.then((c) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(c);
      }, (err: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        if (err instanceof TrackerError && err.code === 'TRACKER_ABORTED' && !this.closed) resolve(null);
        else reject(err);
      });
    });
  }

  /**
   * Run `op` with a connection ID: reconnect when it expires during retransmissions, and once when
   * the tracker rejects it.
   */
  private async withConnection<T>(host: string, port: number, signal: AbortSignal | undefined, op: (cid: Uint8Array, state: { n: number }, expiresAt: number) => Promise<T>): Promise<T> {
    const state = { n: 0 };
    let rejected = false;
    for (;;) {
      const c = await this.connection(host, port, state, signal);
      try {
        return await op(c.id, state, c.at + this.lifetime);
      } catch (err) {
        if (err === EXPIRED) continue;
        if (!rejected && err instanceof TrackerError && err.code === 'TRACKER_FAILURE' && /connection/i.test(err.message)) {
          rejected = true;
          this.connections.delete(`${host}|${port}`);
          continue;
        }
        throw err;
      }
    }
  }

  /** Announce to `udp://host:port[/path]`. */
  async announce(url: string, p: AnnounceParams, signal?: AbortSignal): Promise<AnnounceResult> {
    const { host, port, urlData } = parseUdpUrl(url);
    checkAnnounceParams(p);
    return this.withConnection(host, port, signal, async (cid, state, expiresAt) => {
      const { res, from } = await this.exchange(host, port, (tid) => encodeAnnounceRequest({
        connectionId: cid, transactionId: tid, infoHash: p.infoHash, peerId: p.peerId,
        downloaded: BigInt(p.downloaded ?? 0), left: BigInt(p.left), uploaded: BigInt(p.uploaded ?? 0),
        event: EVENT_OF[p.event ?? 'none'], ip: 0, key: p.key ?? 0, numWant: p.numwant ?? -1, port: p.port, urlData,
      }), state, signal, expiresAt);
      if (res.action !== 'announce') throw new TrackerError('TRACKER_BAD_RESPONSE', `expected announce, got ${res.action}`);
      // Reply peers have the family of the socket the request went over.
      const fromIp = parseIp(from);
      const v6 = fromIp !== null && fromIp.length === 16 && !isV4Mapped(fromIp);
      return {
        interval: res.interval, complete: res.seeders, incomplete: res.leechers,
        peers: parseCompactPeers(res.peers, v6 ? 18 : 6, [], true),
      };
    });
  }

  /** Scrape `udp://host:port` for up to 74 info hashes. */
  async scrape(url: string, infoHashes: readonly Uint8Array[], signal?: AbortSignal): Promise<ScrapeResult[]> {
    if (infoHashes.length === 0 || infoHashes.length > MAX_SCRAPE_HASHES) {
      throw new TrackerError('TRACKER_BAD_PARAM', `scrape 1..${MAX_SCRAPE_HASHES} info hashes`);
    }
    checkInfoHashes(infoHashes);
    const { host, port } = parseUdpUrl(url);
    return this.withConnection(host, port, signal, async (cid, state, expiresAt) => {
      const { res } = await this.exchange(host, port, (tid) => encodeScrapeRequest(cid, tid, infoHashes), state, signal, expiresAt);
      if (res.action !== 'scrape' || res.rows.length !== infoHashes.length) throw new TrackerError('TRACKER_BAD_RESPONSE', 'bad scrape reply');
      return res.rows;
    });
  }

  /** Fail pending requests and close the transport. */
  close(): void {
    this.closed = true;
    for (const p of [...this.pending.values()]) p.cancel();
    this.pending.clear();
    this.transport.close();
  }
}
