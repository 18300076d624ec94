// The announce client a peer client uses: dispatches http(s):// to fetch and udp:// to a UDP
// transport, and walks BEP 12 tiers.
import { TrackerError } from '../errors.ts';
import { MAX_SCRAPE_HASHES } from '../udp/packets.ts';
import type { AnnounceResult, ScrapeResult } from './announce-response.ts';
import { httpAnnounce, httpScrape, type FetchLike } from './http-client.ts';
import type { AnnounceParams } from './params.ts';
import { AnnounceTiers } from './tiers.ts';
import { UdpTrackerClient, type UdpRetryOptions, type UdpTransport } from './udp-client.ts';

/** Info hashes per HTTP scrape request: trackers commonly refuse more (opentracker, our server: 64). */
const HTTP_SCRAPE_BATCH = 64;

/** Options of {@link AnnounceClient}. */
export interface AnnounceClientOptions {
  /** fetch to use for http(s) trackers. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Datagram transport for udp:// trackers; without one, UDP trackers fail with TRACKER_UNSUPPORTED_URL. */
  udp?: UdpTransport;
  /** UDP retransmission timing (BEP 15 defaults). */
  udpRetry?: UdpRetryOptions;
  /** Per-request timeout for HTTP trackers, ms. Default 15,000. */
  httpTimeout?: number;
  /** Called after `close()` to release what the options brought (e.g. an undici Agent). */
  onClose?: () => void | Promise<void>;
}

/** Announces and scrapes over HTTP and UDP. One instance serves every torrent of a peer client. */
export class AnnounceClient {
  private readonly fetchFn: FetchLike;
  private readonly udp: UdpTrackerClient | undefined;
  private readonly httpTimeout: number;
  private readonly onClose: (() => void | Promise<void>) | undefined;
  /** One controller per HTTP request in flight, so close() can end them. */
  private readonly inflight = new Set<AbortController>();
  private closed = false;

  constructor(options: AnnounceClientOptions = {}) {
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.udp = options.udp ? new UdpTrackerClient(options.udp, options.udpRetry) : undefined;
    this.httpTimeout = options.httpTimeout ?? 15_000;
    this.onClose = options.onClose;
  }

  /** Announce to one tracker URL (http, https or udp). */
  announce(url: string, params: AnnounceParams, signal?: AbortSignal): Promise<AnnounceResult> {
    if (/^https?:\/\//i.test(url)) return this.http(signal, (s) => httpAnnounce(this.fetchFn, url, params, this.httpTimeout, s));
    if (/^udp:\/\//i.test(url)) {
      if (!this.udp) return Promise.reject(new TrackerError('TRACKER_UNSUPPORTED_URL', 'no UDP transport configured'));
      return this.udp.announce(url, params, signal);
    }
    return Promise.reject(new TrackerError('TRACKER_UNSUPPORTED_URL', `unsupported tracker URL: ${url}`));
  }

  /**
   * Scrape one tracker for these info hashes; rows come back in the same order. Long lists go out in
   * several requests, one after another: at most 74 hashes per UDP packet (BEP 15) and 64 per HTTP
   * request (the usual tracker cap, opentracker's and this package's server's).
   */
  async scrape(url: string, infoHashes: readonly Uint8Array[], signal?: AbortSignal): Promise<ScrapeResult[]> {
    let one: (hashes: readonly Uint8Array[]) => Promise<ScrapeResult[]>;
    let batch: number;
    if (/^https?:\/\//i.test(url)) {
      one = (hashes) => this.http(signal, (s) => httpScrape(this.fetchFn, url, hashes, this.httpTimeout, s));
      batch = HTTP_SCRAPE_BATCH;
    } else if (/^udp:\/\//i.test(url) && this.udp) {
      const udp = this.udp;
      one = (hashes) => udp.scrape(url, hashes, signal);
      batch = MAX_SCRAPE_HASHES;
    } else {
      throw new TrackerError('TRACKER_UNSUPPORTED_URL', `cannot scrape ${url}`);
    }
    // No hashes would be a full scrape over HTTP (every swarm the tracker has): never meant here.
    if (infoHashes.length === 0) return [];
    if (infoHashes.length <= batch) return one(infoHashes);
    const rows: ScrapeResult[] = [];
    for (let i = 0; i < infoHashes.length; i += batch) rows.push(...await one(infoHashes.slice(i, i + batch)));
    return rows;
  }

  /** Run one HTTP request under a signal that `signal` and close() both abort. */
  private async http<T>(signal: AbortSignal | undefined, run: (s: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) throw new TrackerError('TRACKER_ABORTED', 'client closed');
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    this.inflight.add(ctl);
    try {
      return await run(ctl.signal);
    } finally {
      this.inflight.delete(ctl);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Announce through BEP 12 tiers; returns the answer and which tracker gave it. Each tracker gets
   * back the `tracker id` it sent last (kept in `tiers.trackerIds`; `params.trackerId` only goes to
   * trackers that sent none). Once `signal` is aborted no further tracker is tried: the call fails
   * with TRACKER_ABORTED.
   */
  async announceTiers(tiers: AnnounceTiers, params: AnnounceParams, signal?: AbortSignal): Promise<AnnounceResult & { url: string }> {
    const { url, value } = await tiers.run(async (u) => {
      const aborted = () => new TrackerError('TRACKER_ABORTED', 'announce aborted', { cause: signal?.reason });
      if (signal?.aborted) throw aborted();
      const trackerId = tiers.trackerIds.get(u);
      try {
        const r = await this.announce(u, trackerId ? { ...params, trackerId } : params, signal);
        if (r.trackerId) tiers.trackerIds.set(u, r.trackerId);
        return r;
      } catch (err) {
        // Whatever a tracker failed with, an abort meanwhile ends the walk through the tiers.
        if (signal?.aborted && !(err instanceof TrackerError && err.code === 'TRACKER_ABORTED')) throw aborted();
        throw err;
      }
    });
    return { ...value, url };
  }

  /**
   * Abort every announce and scrape in flight (they fail with TRACKER_ABORTED), close the UDP
   * transport and release what the options brought (`onClose`). Later calls fail with TRACKER_ABORTED.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const ctl of this.inflight) ctl.abort();
    this.inflight.clear();
    this.udp?.close();
    await this.onClose?.();
  }
}
