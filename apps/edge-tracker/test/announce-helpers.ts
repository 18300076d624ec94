// Test helpers: build announce URLs with binary-safe percent-encoding and read bencoded replies.
import { decode } from '@torrentkit/bencode';

export function pct(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += `%${b.toString(16).padStart(2, '0')}`;
  return s;
}

export function id20(tag: number, n: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = tag;
  new DataView(a.buffer).setUint32(16, n);
  return a;
}

export function announceUrl(origin: string, o: { infoHash: Uint8Array; peer: number; port?: number; left?: number; event?: string; path?: string }): string {
  const q = [
    `info_hash=${pct(o.infoHash)}`, `peer_id=${pct(id20(0xbb, o.peer))}`, `port=${o.port ?? 6881}`,
    'uploaded=0', 'downloaded=0', `left=${o.left ?? 1000}`, 'compact=1',
  ];
  if (o.event) q.push(`event=${o.event}`);
  return `${origin}${o.path ?? '/announce'}?${q.join('&')}`;
}

export function scrapeUrl(origin: string, hashes: Uint8Array[]): string {
  return `${origin}/scrape?${hashes.map((h) => `info_hash=${pct(h)}`).join('&')}`;
}

/** Decodes a bencoded reply; byte strings stay Uint8Array. */
export function bdecode(body: ArrayBuffer | Uint8Array): Record<string, unknown> {
  return decode(body instanceof Uint8Array ? body : new Uint8Array(body)) as Record<string, unknown>;
}

/** "a.b.c.d:port" for each compact IPv4 peer. */
export function compactPeers(peers: unknown): string[] {
  const p = peers as Uint8Array;
  const out: string[] = [];
  for (let i = 0; i + 6 <= p.length; i += 6) out.push(`${p[i]}.${p[i + 1]}.${p[i + 2]}.${p[i + 3]}:${(p[i + 4]! << 8) | p[i + 5]!}`);
  return out.sort();
}

export const text = (u: unknown) => new TextDecoder().decode(u as Uint8Array);
