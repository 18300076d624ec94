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
    // A set beside the list: a tier of many URLs must not cost a scan per URL.
    const seen = new Set<string>();
    for (const u of tier) {
      const s = url(u);
      if (s !== undefined) seen.add(s);
    }
    if (seen.size > 0) tiers.push([...seen]);
  }
  return tiers;
}

/** `url-list` (a string or a list of strings), blanks and repeats dropped. */
export function readUrlList(d: BDict): string[] {
  const v = d['url-list'];
  const list = Array.isArray(v) ? v : [v];
  const seen = new Set<string>();
  for (const item of list) {
    const s = url(item);
    if (s !== undefined) seen.add(s);
  }
  return [...seen];
}
