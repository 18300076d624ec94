// Where the client's address comes from. Each platform has its own trustworthy source (the socket,
// `cf-connecting-ip` set by Cloudflare, Deno's remoteAddr). `X-Forwarded-For` is believed only when
// the direct peer is a proxy the operator listed, and then only the hops added by trusted proxies.

/** Addresses of reverse proxies whose `X-Forwarded-For` is believed. */
export type TrustedProxies = readonly string[];

function normalize(ip: string): string {
  let s = ip.trim();
  if (s.startsWith('[') && s.includes(']')) s = s.slice(1, s.indexOf(']'));
  if (s.startsWith('::ffff:') && s.includes('.')) s = s.slice(7);
  return s.toLowerCase();
}

/**
 * The client address given the direct peer's address and the request headers. Walks
 * `X-Forwarded-For` from the right, skipping trusted proxies, and returns the first address that a
 * trusted proxy vouched for. Without a trusted direct peer the header is ignored.
 */
export function clientIpBehindProxies(peer: string | undefined, headers: Headers, trusted: TrustedProxies): string | undefined {
  if (peer === undefined) return undefined;
  const direct = normalize(peer);
  if (trusted.length === 0) return direct;
  const trust = new Set(trusted.map(normalize));
  if (!trust.has(direct)) return direct;
  const xff = headers.get('x-forwarded-for');
  if (!xff) return direct;
  const hops = xff.split(',').map(normalize).filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trust.has(hops[i]!)) return hops[i];
  }
  return hops[0] ?? direct;
}

/** Parses a comma-separated list (env var or CLI flag) of trusted proxy addresses. */
export function parseTrustedProxies(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
