// Tracker settings from string variables (Workers vars, Deno Deploy / Vercel environment), so every
// edge adapter is configured the same way.
import type { MemorySwarmStoreOptions, TrackerOptions } from '@torrentkit/tracker';

/** The variables read by {@link trackerOptionsFromEnv} and {@link memoryStoreOptionsFromEnv}; all optional. */
export interface TrackerEnv {
  /** Announce interval, whole seconds (1 to 86,400). */
  TRACKER_INTERVAL?: string;
  /** Comma-separated hex info hashes: only these are tracked. */
  TRACKER_ALLOW?: string;
  /** Comma-separated hex info hashes that are refused. */
  TRACKER_DENY?: string;
  /** Comma-separated passkeys: private mode, announce at /announce/<passkey>. */
  TRACKER_PASSKEYS?: string;
  /** Most peers per reply (1 to 10,000). */
  TRACKER_NUMWANT_MAX?: string;
  /** Requests per second per client (IPv4 address or IPv6 /64). */
  TRACKER_RATE_LIMIT?: string;
  /** Most clients the rate limiter remembers (about 110 bytes each). */
  TRACKER_RATE_LIMIT_CLIENTS?: string;
  /** IPv6 prefix length counted as one client by the rate limiter. Default 64. */
  TRACKER_RATE_LIMIT_IPV6_PREFIX?: string;
  /** Memory store: most swarms held at once. */
  TRACKER_MAX_SWARMS?: string;
  /** Memory store (and Durable Object shards): most peers per swarm. */
  TRACKER_MAX_PEERS_PER_SWARM?: string;
  /** `warning message` sent with every announce. */
  TRACKER_WARNING?: string;
  /** Title of the /stats page. */
  TRACKER_TITLE?: string;
}

/** A comma-separated list; a variable that is set but names nothing is a mistake, not "allow none". */
function list(name: string, s: string, what: string, valid: (item: string) => boolean): string[] {
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (items.length === 0) throw new RangeError(`${name} is set but lists nothing, got ${JSON.stringify(s)}`);
  for (const item of items) if (!valid(item)) throw new RangeError(`${name}: not ${what}: ${JSON.stringify(item)}`);
  return items;
}

// Entry checks shared with the CLI's list files (cli.ts).
export const HEX_HASH = 'an info hash (40 hex chars)';
export const isHexHash = (e: string) => /^[0-9a-fA-F]{40}$/.test(e);
// The tracker refuses passkeys longer than 128 chars: a longer one could never be used.
export const PASSKEY = 'a passkey (at most 128 chars)';
export const isPasskey = (e: string) => e.length <= 128;

/**
 * `s` as a whole number in min..max, or NaN. Digits only: Number() would also take '1.5e3', '0x10'
 * and ' 60 ', and read '' as 0. Shared with the CLI's flags (cli.ts).
 */
export function digitsInRange(s: string, min: number, max: number): number {
  const n = /^[0-9]+$/.test(s) ? Number(s) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : NaN;
}

function positive(name: string, s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${JSON.stringify(s)}`);
  return n;
}

function integer(name: string, s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = digitsInRange(s, min, max);
  if (Number.isNaN(n)) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(s)}`);
  return n;
}

/** `PORT` for the Bun and Node adapters: digits in 0..65535 (an empty `PORT` is an error, not "any port"). */
export function portFromEnv(env: { PORT?: string | undefined }, fallback = 8000): number {
  if (env.PORT === undefined) return fallback;
  if (!/^[0-9]{1,5}$/.test(env.PORT) || Number(env.PORT) > 65_535) throw new RangeError(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(env.PORT)}`);
  return Number(env.PORT);
}

/** Builds tracker options from environment variables. */
export function trackerOptionsFromEnv(env: TrackerEnv): TrackerOptions & { title?: string } {
  const o: TrackerOptions & { title?: string } = {};
  // Whole seconds, as the CLI takes them: a fraction would be sent truncated (1.5 -> 1, min interval
  // 0) while peers expire after 1.5 x the real value.
  const interval = integer('TRACKER_INTERVAL', env.TRACKER_INTERVAL, 1, 86_400);
  if (interval) o.interval = interval;
  const numwant = integer('TRACKER_NUMWANT_MAX', env.TRACKER_NUMWANT_MAX, 1, 10_000);
  if (numwant) o.numwantMax = numwant;
  const rate = positive('TRACKER_RATE_LIMIT', env.TRACKER_RATE_LIMIT);
  if (rate) {
    o.rateLimit = { perSecond: rate };
    // The limiter's default burst (2 x rate) is under one request below 0.5/s, which would refuse
    // every request forever; let such a client make one request, then one per 1/rate seconds.
    if (rate < 0.5) o.rateLimit.burst = 1;
    const clients = integer('TRACKER_RATE_LIMIT_CLIENTS', env.TRACKER_RATE_LIMIT_CLIENTS, 1, 2 ** 31);
    if (clients) o.rateLimit.maxClients = clients;
    const prefix = integer('TRACKER_RATE_LIMIT_IPV6_PREFIX', env.TRACKER_RATE_LIMIT_IPV6_PREFIX, 1, 128);
    if (prefix) o.rateLimit.ipv6PrefixLength = prefix;
  }
  if (env.TRACKER_ALLOW) o.allowList = list('TRACKER_ALLOW', env.TRACKER_ALLOW, HEX_HASH, isHexHash);
  if (env.TRACKER_DENY) o.denyList = list('TRACKER_DENY', env.TRACKER_DENY, HEX_HASH, isHexHash);
  if (env.TRACKER_PASSKEYS) o.passkeys = list('TRACKER_PASSKEYS', env.TRACKER_PASSKEYS, PASSKEY, isPasskey);
  if (env.TRACKER_WARNING) o.warning = env.TRACKER_WARNING;
  if (env.TRACKER_TITLE) o.title = env.TRACKER_TITLE;
  return o;
}

/**
 * Limits of the in-memory swarm store from `TRACKER_MAX_SWARMS` and `TRACKER_MAX_PEERS_PER_SWARM`;
 * what they leave unset comes from `defaults` (the platform's), then from the store's own defaults.
 */
export function memoryStoreOptionsFromEnv(env: TrackerEnv, defaults: MemorySwarmStoreOptions = {}): MemorySwarmStoreOptions {
  const o: MemorySwarmStoreOptions = { ...defaults };
  const swarms = integer('TRACKER_MAX_SWARMS', env.TRACKER_MAX_SWARMS, 1, 2 ** 31);
  if (swarms) o.maxSwarms = swarms;
  const peers = integer('TRACKER_MAX_PEERS_PER_SWARM', env.TRACKER_MAX_PEERS_PER_SWARM, 1, 2 ** 31);
  if (peers) o.maxPeersPerSwarm = peers;
  return o;
}
