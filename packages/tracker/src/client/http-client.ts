// Announce and scrape over HTTP(S) with fetch. The fetch function is injected (on Node, the `./node`
// entry point supplies one backed by an undici keep-alive Agent); replies are size-capped.
import { TrackerError } from '../errors.ts';
import { MAX_REPLY_BYTES, parseAnnounceResponse, parseScrapeResponse, type AnnounceResult, type ScrapeResult } from './announce-response.ts';
import { announceUrl, scrapeUrl, type AnnounceParams } from './params.ts';

/** The subset of `fetch` the client uses. */
export type FetchLike = (url: string, init: { signal: AbortSignal; headers?: Record<string, string> }) => Promise<Response>;

async function readCapped(res: Response): Promise<Uint8Array> {
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > MAX_REPLY_BYTES) throw new TrackerError('TRACKER_BAD_RESPONSE', 'reply too large');
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_REPLY_BYTES) {
      await reader.cancel();
      throw new TrackerError('TRACKER_BAD_RESPONSE', 'reply too large');
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

async function get(fetchFn: FetchLike, url: string, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  const onAbort = () => ctl.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let res: Response;
    try {
      res = await fetchFn(url, { signal: ctl.signal });
    } catch (err) {
      if (signal?.aborted) throw new TrackerError('TRACKER_ABORTED', 'announce aborted', { cause: err });
      if (ctl.signal.aborted) throw new TrackerError('TRACKER_TIMEOUT', `no reply within ${timeoutMs} ms`, { cause: err });
      throw new TrackerError('TRACKER_NETWORK', `request failed: ${(err as Error).message}`, { cause: err });
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new TrackerError('TRACKER_HTTP_STATUS', `tracker answered HTTP ${res.status}`);
    }
    try {
      return await readCapped(res);
    } catch (err) {
      if (err instanceof TrackerError) throw err;
      throw new TrackerError(ctl.signal.aborted ? 'TRACKER_TIMEOUT' : 'TRACKER_NETWORK', 'reading the reply failed', { cause: err });
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Announce to an http(s) tracker URL. */
export async function httpAnnounce(fetchFn: FetchLike, url: string, p: AnnounceParams, timeoutMs: number, signal?: AbortSignal): Promise<AnnounceResult> {
  return parseAnnounceResponse(await get(fetchFn, announceUrl(url, p), timeoutMs, signal));
}

/** Scrape an http(s) tracker (BEP 48) for these info hashes. */
export async function httpScrape(fetchFn: FetchLike, url: string, infoHashes: readonly Uint8Array[], timeoutMs: number, signal?: AbortSignal): Promise<ScrapeResult[]> {
  const target = scrapeUrl(url, infoHashes);
  if (!target) throw new TrackerError('TRACKER_NO_SCRAPE', 'this announce URL has no scrape URL');
  return parseScrapeResponse(await get(fetchFn, target, timeoutMs, signal), infoHashes);
}
