// Announce and scrape over HTTP(S) with fetch. The fetch function is injected (on Node, the `./node`
// entry point supplies one backed by an undici keep-alive Agent); replies are size-capped.
import { TrackerError } from '../errors.ts';
import { MAX_REPLY_BYTES, parseAnnounceResponse, parseScrapeResponse, type AnnounceResult, type ScrapeResult } from './announce-response.ts';
import { announceUrl, checkAnnounceParams, checkInfoHashes, scrapeUrl, type AnnounceParams } from './params.ts';

/** The subset of `fetch` the client uses. */
export type FetchLike = (url: string, init: { signal: AbortSignal; headers?: Record<string, string> }) => Promise<Response>;

async function readCapped(res: Response, signal: AbortSignal): Promise<Uint8Array> {
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > MAX_REPLY_BYTES) throw new TrackerError('TRACKER_BAD_RESPONSE', 'reply too large');
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  // Not every fetch ends a body read on abort (undici's under Deno keeps waiting for the tracker):
  // cancelling the reader ends the pending read, and the abort check below turns it into an error.
  const onAbort = () => { reader.cancel().catch(() => {}); };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw new Error('aborted while reading the reply');
      if (done) break;
      total += value.length;
      if (total > MAX_REPLY_BYTES) {
        await reader.cancel();
        throw new TrackerError('TRACKER_BAD_RESPONSE', 'reply too large');
      }
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/**
 * An error's message with those of its causes: undici says only "fetch failed" and keeps the reason
 * (connection refused, host not found, too many redirects) in `cause`.
 */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg && !parts.includes(msg)) parts.push(msg);
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ') || 'unknown error';
}

async function get(fetchFn: FetchLike, url: string, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
  // An 'abort' listener added to an already aborted signal never runs: check first.
  if (signal?.aborted) throw new TrackerError('TRACKER_ABORTED', 'announce aborted', { cause: signal.reason });
  const ctl = new AbortController();
  let timedOut = false;
  // setTimeout runs a delay beyond 2^31-1 ms (Infinity included) after 1 ms: cap it instead.
  const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, Math.min(timeoutMs, 0x7fffffff));
  const onAbort = () => ctl.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  // The caller's abort wins over the timeout that may fire while the reply is torn down.
  const failure = (what: string, err: unknown) => signal?.aborted
    ? new TrackerError('TRACKER_ABORTED', 'announce aborted', { cause: err })
    : timedOut
      ? new TrackerError('TRACKER_TIMEOUT', `no reply within ${timeoutMs} ms`, { cause: err })
      : new TrackerError('TRACKER_NETWORK', `${what}: ${describe(err)}`, { cause: err });
  let complete = false;
  try {
    let res: Response;
    try {
      res = await fetchFn(url, { signal: ctl.signal });
    } catch (err) {
      throw failure('request failed', err);
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new TrackerError('TRACKER_HTTP_STATUS', `tracker answered HTTP ${res.status}`);
    }
    let body: Uint8Array;
    try {
      body = await readCapped(res, ctl.signal);
    } catch (err) {
      if (err instanceof TrackerError) throw err;
      throw failure('reading the reply failed', err);
    }
    complete = true;
    return body;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // A reply left unread (too large, bad status) would keep its connection busy, and an agent's
    // close() waiting for it, as long as the tracker keeps sending: aborting drops the connection.
    if (!complete) ctl.abort();
  }
}

/** Announce to an http(s) tracker URL. */
export async function httpAnnounce(fetchFn: FetchLike, url: string, p: AnnounceParams, timeoutMs: number, signal?: AbortSignal): Promise<AnnounceResult> {
  checkAnnounceParams(p);
  return parseAnnounceResponse(await get(fetchFn, announceUrl(url, p), timeoutMs, signal));
}

/** Scrape an http(s) tracker (BEP 48) for these info hashes. */
export async function httpScrape(fetchFn: FetchLike, url: string, infoHashes: readonly Uint8Array[], timeoutMs: number, signal?: AbortSignal): Promise<ScrapeResult[]> {
  checkInfoHashes(infoHashes);
  const target = scrapeUrl(url, infoHashes);
  if (!target) throw new TrackerError('TRACKER_NO_SCRAPE', 'this announce URL has no scrape URL');
  return parseScrapeResponse(await get(fetchFn, target, timeoutMs, signal), infoHashes);
}
