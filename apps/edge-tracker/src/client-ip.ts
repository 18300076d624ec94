// Where the client's address comes from. Each platform has its own trustworthy source (the socket,
// `cf-connecting-ip` set by Cloudflare, Deno's remoteAddr). `X-Forwarded-For` is believed only when
// the direct peer is a proxy the operator listed, and then only the hops added by trusted proxies.

import { clientIpBehindProxies as trackerClientIp } from '@torrentkit/tracker';

/** Addresses of reverse proxies whose `X-Forwarded-For` is believed. */
export type TrustedProxies = readonly string[];

/**
 * The client address given the direct peer's address and the request headers. Walks
 * `X-Forwarded-For` from the right, skipping trusted proxies, and returns the first address that a
 * trusted proxy vouched for. Without a trusted direct peer the header is ignored. (The rule itself
 * lives in @torrentkit/tracker, which the server mode uses directly.)
 */
export function clientIpBehindProxies(peer: string | undefined, headers: Headers, trusted: TrustedProxies): string | undefined {
  return trackerClientIp(peer, headers.get('x-forwarded-for'), trusted);
}

/** Parses a comma-separated list (env var or CLI flag) of trusted proxy addresses. */
export function parseTrustedProxies(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
