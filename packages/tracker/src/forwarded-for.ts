// Which address a request came from when reverse proxies sit in front of the tracker. The direct
// peer's address is the truth unless that peer is a proxy the operator listed; then the rightmost
// `X-Forwarded-For` hop not added by a trusted proxy is the client (hops further left could be forged
// by the client itself). Pure and runtime-neutral: the server adapters and edge handlers share it.

/** Addresses of reverse proxies whose `X-Forwarded-For` is believed. */
export type TrustedProxies = readonly string[] | ReadonlySet<string>;

/** Canonical text of an address: no brackets, IPv4-mapped IPv6 as IPv4, lower case. */
export function normalizeIpText(ip: string): string {
  let s = ip.trim();
  if (s.startsWith('[') && s.includes(']')) s = s.slice(1, s.indexOf(']'));
  if (s.startsWith('::ffff:') && s.includes('.')) s = s.slice(7);
  return s.toLowerCase();
}

/** A set of normalized proxy addresses, for repeated {@link clientIpBehindProxies} calls. */
export function trustedProxySet(trusted: TrustedProxies): ReadonlySet<string> {
  const out = new Set<string>();
  for (const t of trusted) out.add(normalizeIpText(t));
  return out;
}

/**
 * The client address given the direct peer's address and the `X-Forwarded-For` header value (or
 * null/undefined when absent). Without a trusted direct peer the header is ignored.
 */
export function clientIpBehindProxies(
  peer: string | undefined, forwardedFor: string | null | undefined, trusted: TrustedProxies,
): string | undefined {
  if (peer === undefined) return undefined;
  const direct = normalizeIpText(peer);
  const trust = trusted instanceof Set ? trusted as ReadonlySet<string> : trustedProxySet(trusted);
  if (trust.size === 0 || !trust.has(direct) || !forwardedFor) return direct;
  const hops = forwardedFor.split(',').map(normalizeIpText).filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trust.has(hops[i]!)) return hops[i];
  }
  return hops[0] ?? direct;
}
