// Writing magnet links (BEP 9, 52, 53) and deriving them from a parsed torrent.
import { MetainfoError } from '../errors.ts';
import type { ParsedTorrent } from '../types.ts';
import { fromHex } from '../util/hex.ts';
import type { MagnetLink } from './types.ts';

// Keep ':' '/' '@' '[' ']' readable, as most clients write them; everything else is escaped.
function enc(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%40/g, '@').replace(/%5B/gi, '[').replace(/%5D/gi, ']');
}

/** The input {@link formatMagnet} needs: a {@link MagnetLink} with its lists optional. */
export type MagnetInput = Partial<Omit<MagnetLink, 'extra'>> & { extra?: Array<[string, string]> };

/**
 * Writes a magnet URI. `xt` comes first (v1, then v2), then `dn`, `xl`, `tr`, `ws`, `x.pe`, `so`
 * and any `extra` parameters.
 * @throws {MetainfoError} `METAINFO_INVALID_INFO_HASH` when neither hash is valid hex.
 */
export function formatMagnet(m: MagnetInput): string {
  const parts: string[] = [];
  if (m.infoHash !== undefined) {
    if (m.infoHash.length !== 40 || !fromHex(m.infoHash)) throw new MetainfoError('METAINFO_INVALID_INFO_HASH', 'infoHash must be 40 hex digits');
    parts.push(`xt=urn:btih:${m.infoHash.toLowerCase()}`);
  }
  if (m.infoHashV2 !== undefined) {
    if (m.infoHashV2.length !== 64 || !fromHex(m.infoHashV2)) throw new MetainfoError('METAINFO_INVALID_INFO_HASH', 'infoHashV2 must be 64 hex digits');
    parts.push(`xt=urn:btmh:1220${m.infoHashV2.toLowerCase()}`);
  }
  if (parts.length === 0) throw new MetainfoError('METAINFO_MISSING_INFO_HASH', 'a magnet link needs infoHash or infoHashV2');
  if (m.name !== undefined) parts.push(`dn=${enc(m.name)}`);
  if (m.length !== undefined) parts.push(`xl=${m.length}`);
  for (const tr of m.trackers ?? []) parts.push(`tr=${enc(tr)}`);
  for (const ws of m.webSeeds ?? []) parts.push(`ws=${enc(ws)}`);
  for (const pe of m.peers ?? []) parts.push(`x.pe=${enc(pe)}`);
  if (m.select !== undefined && m.select.length > 0) {
    parts.push(`so=${m.select.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
  }
  for (const [k, v] of m.extra ?? []) parts.push(`${enc(k)}=${enc(v)}`);
  return `magnet:?${parts.join('&')}`;
}

/**
 * The magnet link of a parsed torrent: its info hash(es), name, trackers (all BEP 12 tiers in order,
 * else `announce`)
 * and web seeds. Format it with {@link formatMagnet}.
 */
export function magnetFromTorrent(t: ParsedTorrent): MagnetLink {
  // BEP 12: with an announce-list, `announce` is only there for old clients.
  const trackers: string[] = [];
  for (const tier of t.announceList) for (const url of tier) if (!trackers.includes(url)) trackers.push(url);
  if (trackers.length === 0 && t.announce !== undefined) trackers.push(t.announce);
  const m: MagnetLink = { trackers, webSeeds: [...t.urlList], peers: [], extra: [] };
  if (t.infoHash !== undefined) m.infoHash = t.infoHash;
  if (t.infoHashV2 !== undefined) m.infoHashV2 = t.infoHashV2;
  m.name = t.name;
  return m;
}
