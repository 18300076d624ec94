// Admission policies of the tracker core: info-hash allow/deny lists, private passkeys, per-IP rate
// limits. Each is small, synchronous where it can be, and bounded in memory.
import { clientKey } from './ip.ts';

/** An info hash given as 20 raw bytes or 40 hex chars. */
export type InfoHashLike = Uint8Array | string;

const binKey = (b: Uint8Array) => String.fromCharCode.apply(null, b as unknown as number[]);

function toBinKey(h: InfoHashLike): string {
  if (typeof h !== 'string') {
    if (h.length !== 20) throw new RangeError('info hash must be 20 bytes');
    return binKey(h);
  }
  if (!/^[0-9a-fA-F]{40}$/.test(h)) throw new RangeError(`info hash must be 40 hex chars: ${h}`);
  let s = '';
  for (let i = 0; i < 40; i += 2) s += String.fromCharCode(parseInt(h.slice(i, i + 2), 16));
  return s;
}

/** A list (or predicate) of info hashes, as given to `allowList` / `denyList`. */
export type InfoHashList = Iterable<InfoHashLike> | ((infoHash: Uint8Array) => boolean);

/** Compile a list into a membership test. */
export function infoHashMatcher(list: InfoHashList): (infoHash: Uint8Array) => boolean {
  if (typeof list === 'function') return list;
  const set = new Set<string>();
  for (const h of list) set.add(toBinKey(h));
  return (infoHash) => set.has(binKey(infoHash));
}

/** Valid passkeys (private mode), or a predicate that may consult a database. */
export type PasskeyCheck = Iterable<string> | ((passkey: string) => boolean | Promise<boolean>);

export function passkeyMatcher(check: PasskeyCheck): (passkey: string) => boolean | Promise<boolean> {
  if (typeof check === 'function') return check;
  const set = new Set(check);
  return (p) => set.has(p);
}

/** Per-IP token bucket options. */
export interface RateLimitOptions {
  /** Sustained requests per second per IP. */
  perSecond: number;
  /** Bucket size (burst), at least 1. Default 2 * perSecond, and at least 1. */
  burst?: number;
  /** Most clients tracked; the oldest are forgotten beyond it. Default 100,000. */
  maxClients?: number;
  /**
   * IPv6 clients are limited per network prefix of this many bits, since one host may use every
   * address of its prefix. Default 64 (the usual smallest IPv6 subnet); 56 or 48 are stricter, 128
   * counts single addresses. IPv4 (and IPv4-mapped IPv6) clients are counted per address.
   */
  ipv6PrefixLength?: number;
}

/** Token buckets keyed by client (IPv4 address or IPv6 prefix, see {@link clientKey}), bounded in size. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly max: number;
  private readonly v6Bits: number;

  constructor(o: RateLimitOptions) {
    if (!(o.perSecond > 0)) throw new RangeError('rateLimit.perSecond must be > 0');
    this.rate = o.perSecond / 1000;
    // A bucket smaller than one request would refuse every request forever.
    this.burst = o.burst ?? Math.max(1, o.perSecond * 2);
    if (!(this.burst >= 1)) throw new RangeError('rateLimit.burst must be at least 1');
    this.max = o.maxClients ?? 100_000;
    this.v6Bits = o.ipv6PrefixLength ?? 64;
    if (!Number.isInteger(this.v6Bits) || this.v6Bits < 1 || this.v6Bits > 128) {
      throw new RangeError('rateLimit.ipv6PrefixLength must be an integer from 1 to 128');
    }
  }

  /** Take one token for the client at `ip` (4 or 16 bytes, as from parseIp) at time `now` (ms); false when it is over its rate. */
  take(ip: Uint8Array, now: number): boolean {
    const key = clientKey(ip, this.v6Bits);
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.max) {
        // Forget the oldest tenth: cheap, and a forgotten client only gets a fresh burst.
        let drop = Math.ceil(this.max / 10);
        for (const k of this.buckets.keys()) {
          this.buckets.delete(k);
          if (--drop === 0) break;
        }
      }
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.rate);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
