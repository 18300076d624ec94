// Writing magnet links (BEP 9, 52, 53) and deriving them from a parsed torrent.
import { MetainfoError } from '../errors.ts';
import type { ParsedTorrent } from '../types.ts';
import { fromHex } from '../util/hex.ts';
import { bytesText, textBytes } from '../util/text.ts';
import { isPeerAddress } from './parse.ts';
import type { MagnetLink } from './types.ts';

function bad(message: string): MetainfoError {
  return new MetainfoError('METAINFO_INVALID_MAGNET', message);
}

// Byte-wise percent-encoding: what encodeURIComponent leaves alone, plus ':' '/' '@' '[' ']' kept
// readable as most clients write them; every other byte escaped.
const PLAIN = /^[A-Za-z0-9\-_.!~*'():/@[\]]$/;
const utf8 = new TextEncoder();

function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && PLAIN.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A value the parser reads back as it is: well-formed text (no lone surrogates). */
function enc(value: string, what: string): string {
  if (/\p{Cs}/u.test(value)) throw bad(`${what}: not well-formed text (lone surrogate)`);
  return escapeBytes(utf8.encode(value));
}

/** `dn`: a name whose U+DC80..U+DCFF escapes stand for bytes that are not UTF-8 is written as those bytes. */
function encName(name: string): string {
  const bytes = textBytes(name);
  // Other lone surrogates have no bytes: they would come back as U+FFFD.
  if (bytesText(bytes) !== name) throw bad('name: not well-formed text (lone surrogate)');
  return escapeBytes(bytes);
}

// The parser's limits: `xl` up to 16 digits and a safe integer, `so` indices up to 15 digits.
const MAX_INDEX = 999_999_999_999_999;

function checkLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw bad(`length ${String(length)} is not a byte count`);
}

function checkSelect(select: ReadonlyArray<readonly [number, number]>): void {
  for (const range of select) {
    const [first, last] = Array.isArray(range) ? range : [NaN, NaN];
    const index = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_INDEX;
    if (!index(first) || !index(last)) throw bad(`select: [${String(first)}, ${String(last)}] is not a range of file indices`);
    if (last < first) throw bad(`select: range ${first}-${last} runs backwards`);
  }
}

/** The input {@link formatMagnet} needs: a {@link MagnetLink} with its lists optional. */
export type MagnetInput = Partial<Omit<MagnetLink, 'extra'>> & { extra?: Array<[string, string]> };

/**
 * Writes a magnet URI. `xt` comes first (v1, then v2), then `dn`, `xl`, `tr`, `ws`, `x.pe`, `so`
 * and any `extra` parameters. Whatever it writes, {@link parseMagnet} reads back.
 * @throws {MetainfoError} `METAINFO_INVALID_INFO_HASH` when a hash is not valid hex,
 *   `METAINFO_MISSING_INFO_HASH` without any, `METAINFO_INVALID_MAGNET` for a `length` that is not
 *   a non-negative safe integer, a `select` range that is not two indices (0 to 10^15 - 1, first <=
 *   last), a peer that is not `host:port` or `[ipv6]:port`, or text with a lone surrogate (in
 *   `name`, only U+DC80..U+DCFF byte escapes are allowed).
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
  if (m.name !== undefined) parts.push(`dn=${encName(m.name)}`);
  if (m.length !== undefined) {
    checkLength(m.length);
    parts.push(`xl=${m.length}`);
  }
  for (const tr of m.trackers ?? []) parts.push(`tr=${enc(tr, 'tracker')}`);
  for (const ws of m.webSeeds ?? []) parts.push(`ws=${enc(ws, 'web seed')}`);
  for (const pe of m.peers ?? []) {
    if (!isPeerAddress(pe)) throw bad(`peer ${JSON.stringify(pe.slice(0, 60))} is not host:port or [ipv6]:port`);
    parts.push(`x.pe=${enc(pe, 'peer')}`);
  }
  if (m.select !== undefined && m.select.length > 0) {
    checkSelect(m.select);
    parts.push(`so=${m.select.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
  }
  for (const [k, v] of m.extra ?? []) parts.push(`${enc(k, 'extra key')}=${enc(v, 'extra value')}`);
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
