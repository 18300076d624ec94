// Tracker settings from string variables (Workers vars, Deno Deploy / Vercel environment), so every
// edge adapter is configured the same way.
import type { TrackerOptions } from '@torrentkit/tracker';

/** The variables read by {@link trackerOptionsFromEnv}; all optional. */
export interface TrackerEnv {
  /** Announce interval, seconds. */
  TRACKER_INTERVAL?: string;
  /** Comma-separated hex info hashes: only these are tracked. */
  TRACKER_ALLOW?: string;
  /** Comma-separated hex info hashes that are refused. */
  TRACKER_DENY?: string;
  /** Comma-separated passkeys: private mode, announce at /announce/<passkey>. */
  TRACKER_PASSKEYS?: string;
  /** Most peers per reply. */
  TRACKER_NUMWANT_MAX?: string;
  /** Requests per second per client address. */
  TRACKER_RATE_LIMIT?: string;
  /** `warning message` sent with every announce. */
  TRACKER_WARNING?: string;
  /** Title of the /stats page. */
  TRACKER_TITLE?: string;
}

const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

function positive(name: string, s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${JSON.stringify(s)}`);
  return n;
}

/** Builds tracker options from environment variables. */
export function trackerOptionsFromEnv(env: TrackerEnv): TrackerOptions & { title?: string } {
  const o: TrackerOptions & { title?: string } = {};
  const interval = positive('TRACKER_INTERVAL', env.TRACKER_INTERVAL);
  if (interval) o.interval = interval;
  const numwant = positive('TRACKER_NUMWANT_MAX', env.TRACKER_NUMWANT_MAX);
  if (numwant) o.numwantMax = numwant;
  const rate = positive('TRACKER_RATE_LIMIT', env.TRACKER_RATE_LIMIT);
  if (rate) o.rateLimit = { perSecond: rate };
  if (env.TRACKER_ALLOW) o.allowList = list(env.TRACKER_ALLOW);
  if (env.TRACKER_DENY) o.denyList = list(env.TRACKER_DENY);
  if (env.TRACKER_PASSKEYS) o.passkeys = list(env.TRACKER_PASSKEYS);
  if (env.TRACKER_WARNING) o.warning = env.TRACKER_WARNING;
  if (env.TRACKER_TITLE) o.title = env.TRACKER_TITLE;
  return o;
}
