// Trackers and web seeds: BEP 3 `announce`, BEP 12 `announce-list` tiers, BEP 19 `url-list`.
import type { BDict } from '@torrentkit/bencode';
import { displayText } from '../util/text.ts';
import { bytesAt, listAt } from './fields.ts';

function url(v: unknown): string | undefined {
  if (!(v instanceof Uint8Array)) return undefined;
  const s = displayText(v).trim();
  return s === '' ? undefined : s;
}

/** `announce`, trimmed; undefined when absent or blank. */
export function readAnnounce(d: BDict): string | undefined {
  return url(bytesAt(d, 'announce'));
}

/** `announce-list` tiers with blank URLs, non-strings and empty tiers dropped. */
export function readAnnounceList(d: BDict): string[][] {
  const tiers: string[][] = [];
  for (const tier of listAt(d, 'announce-list') ?? []) {
    if (!Array.isArray(tier)) continue;
    const urls: string[] = [];
    for (const u of tier) {
      const s = url(u);
      if (s !== undefined && !urls.includes(s)) urls.push(s);
    }
    if (urls.length > 0) tiers.push(urls);
  }
  return tiers;
}

/** `url-list` (a string or a list of strings), blanks and repeats dropped. */
export function readUrlList(d: BDict): string[] {
  const v = d['url-list'];
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of list) {
    const s = url(item);
    if (s !== undefined && !out.includes(s)) out.push(s);
  }
  return out;
}
