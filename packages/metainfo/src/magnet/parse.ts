// BEP 9 magnet links: `magnet:?xt=urn:btih:<hash>&dn=<name>&tr=<tracker>...`, with BEP 52 v2
// hashes (`xt=urn:btmh:1220<sha-256 hex>`, a multihash) and BEP 53 `so` file selection.
import { MetainfoError } from '../errors.ts';
import { fromBase32, fromHex, toHex } from '../util/hex.ts';
import { bytesText } from '../util/text.ts';
import type { MagnetLink } from './types.ts';

/** Options for {@link parseMagnet}. */
export interface ParseMagnetOptions {
  /** Longest URI accepted, in characters. Default 65,536. */
  maxLength?: number;
  /** Most `so` ranges accepted. Default 10,000. */
  maxRanges?: number;
}

function bad(message: string, code: 'METAINFO_INVALID_MAGNET' | 'METAINFO_INVALID_INFO_HASH' = 'METAINFO_INVALID_MAGNET'): MetainfoError {
  return new MetainfoError(code, message);
}

function decodePart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw bad(`malformed percent-encoding in ${JSON.stringify(s.slice(0, 40))}`);
  }
}

/**
 * A display name, decoded as clients do: `%XX` escapes are bytes, a `%` that starts no escape is
 * itself, and bytes that are not UTF-8 become U+DC80..U+DCFF escapes (as torrent names do), so a
 * link is never refused for its name and {@link formatMagnet} writes the same bytes back.
 */
function decodeName(s: string): string {
  if (!s.includes('%')) return s.replace(/\+/g, ' ');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const hex = c === '%' ? s.slice(i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+') out.push(0x20);
    else {
      const code = s.codePointAt(i)!;
      if (code > 0xffff) i++;
      out.push(...encoder.encode(String.fromCodePoint(code)));
    }
  }
  return bytesText(Uint8Array.from(out));
}

const encoder = new TextEncoder();

/** Hex of a BitTorrent v1 hash written as 40 hex digits or 32 base32 characters. */
function btih(value: string): string {
  if (value.length === 40) {
    const b = fromHex(value);
    if (b) return toHex(b);
  } else if (value.length === 32) {
    const b = fromBase32(value);
    if (b && b.length === 20) return toHex(b);
  }
  throw bad(`urn:btih hash must be 40 hex or 32 base32 characters`, 'METAINFO_INVALID_INFO_HASH');
}

/** Hex of a v2 hash written as a sha2-256 multihash (`1220` + 64 hex digits). */
function btmh(value: string): string {
  const b = value.length === 68 ? fromHex(value) : undefined;
  if (!b || b[0] !== 0x12 || b[1] !== 0x20) {
    throw bad('urn:btmh hash must be a sha2-256 multihash (1220 + 64 hex digits)', 'METAINFO_INVALID_INFO_HASH');
  }
  return toHex(b.subarray(2));
}

/**
 * BEP 9's `x.pe`: `hostname:port`, `ipv4:port` or `[ipv6]:port`, port 1-65535. Other values are
 * skipped (libtorrent ignores them too).
 */
export function isPeerAddress(value: string): boolean {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  if (!m) return false;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return false;
  if (m[1] !== undefined) return m[1].includes(':');
  const host = m[2]!;
  return !host.startsWith('.') && !host.endsWith('-') && !host.includes('..');
}

function parseSelect(value: string, maxRanges: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const item of value.split(',')) {
    const m = /^(\d{1,15})(?:-(\d{1,15}))?$/.exec(item);
    if (!m) throw bad(`so: ${JSON.stringify(item.slice(0, 40))} is not an index or a range`);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    if (last < first) throw bad(`so: range ${item} runs backwards`);
    out.push([first, last]);
    if (out.length > maxRanges) throw bad('so: too many ranges');
  }
  return out;
}

/**
 * Parses a magnet URI. At least one `xt` must be a BitTorrent hash (`urn:btih:` or `urn:btmh:`);
 * other `xt` values are kept in `extra`. Numbered keys (`tr.1`, `xt.2`) count as their base key.
 * `dn` is decoded leniently (see {@link MagnetLink.name}); other values must be well-formed
 * percent-encoded UTF-8.
 *
 * @throws {MetainfoError} `METAINFO_INVALID_MAGNET`, `METAINFO_INVALID_INFO_HASH` or
 *   `METAINFO_MISSING_INFO_HASH`.
 * @example
 * ```ts
 * const m = parseMagnet('magnet:?xt=urn:btih:2e34989b1c60df821b2d046c884d8f4d1858b97a&dn=arch.iso');
 * m.infoHash; // '2e34989b1c60df821b2d046c884d8f4d1858b97a'
 * ```
 */
export function parseMagnet(uri: string, opts: ParseMagnetOptions = {}): MagnetLink {
  if (typeof uri !== 'string') throw bad('magnet link must be a string');
  if (uri.length > (opts.maxLength ?? 65536)) throw bad('magnet link too long');
  const text = uri.trim();
  if (!/^magnet:\?/i.test(text)) throw bad('not a magnet: URI');
  const query = text.slice(8).split('#')[0]!;
  const m: MagnetLink = { trackers: [], webSeeds: [], peers: [], extra: [] };
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = decodePart(eq < 0 ? pair : pair.slice(0, eq));
    const key = rawKey.replace(/\.\d+$/, '').toLowerCase();
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const value = key === 'dn' ? decodeName(rawValue) : decodePart(rawValue);
    switch (key) {
      case 'xt': {
        const lower = value.toLowerCase();
        if (lower.startsWith('urn:btih:')) m.infoHash ??= btih(value.slice(9));
        else if (lower.startsWith('urn:btmh:')) m.infoHashV2 ??= btmh(value.slice(9));
        else m.extra.push([rawKey, value]);
        break;
      }
      case 'dn':
        m.name ??= value;
        break;
      case 'xl': {
        if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) throw bad('xl is not a length');
        m.length ??= Number(value);
        break;
      }
      case 'tr':
        if (value !== '' && !m.trackers.includes(value)) m.trackers.push(value);
        break;
      case 'ws':
        if (value !== '' && !m.webSeeds.includes(value)) m.webSeeds.push(value);
        break;
      case 'x.pe':
        // A peer is only a hint: one that is not host:port is skipped, not the whole link refused.
        if (isPeerAddress(value) && !m.peers.includes(value)) m.peers.push(value);
        break;
      case 'so':
        // The limit counts every `so` parameter together.
        m.select ??= [];
        for (const r of parseSelect(value, (opts.maxRanges ?? 10000) - m.select.length)) m.select.push(r);
        break;
      default:
        m.extra.push([rawKey, value]);
    }
  }
  if (m.infoHash === undefined && m.infoHashV2 === undefined) {
    throw new MetainfoError('METAINFO_MISSING_INFO_HASH', 'magnet link has no urn:btih or urn:btmh xt');
  }
  return m;
}

/** True when file `index` is selected by a BEP 53 `so` list (everything is selected without one). */
export function isSelected(select: ReadonlyArray<readonly [number, number]> | undefined, index: number): boolean {
  if (select === undefined) return true;
  return select.some(([first, last]) => index >= first && index <= last);
}
