// Typed reads from decoded bencode values. Torrents in the wild put anything anywhere, so every
// read checks the type and returns `undefined` instead of trusting the shape.
import type { BDict, BValue } from '@torrentkit/bencode';
import { bytesText } from '../util/text.ts';

/** True for a decoded dict (not a byte string, list or integer). */
export function isDict(v: BValue | undefined): v is BDict {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

/** The dict at `key`, if it is one. */
export function dictAt(d: BDict, key: string): BDict | undefined {
  const v = d[key];
  return isDict(v) ? v : undefined;
}

/** The list at `key`, if it is one. */
export function listAt(d: BDict, key: string): BValue[] | undefined {
  const v = d[key];
  return Array.isArray(v) ? v : undefined;
}

/** The byte string at `key`, if it is one. */
export function bytesAt(d: BDict, key: string): Uint8Array | undefined {
  const v = d[key];
  return v instanceof Uint8Array ? v : undefined;
}

/** The byte string at `key` as text (invalid UTF-8 kept as surrogate escapes), if it is one. */
export function textAt(d: BDict, key: string): string | undefined {
  const v = bytesAt(d, key);
  return v === undefined ? undefined : bytesText(v);
}

/**
 * The integer at `key` as a number; a bigint (beyond 2^53) becomes +/-Infinity so range checks
 * reject it; `undefined` when absent or not an integer.
 */
export function intAt(d: BDict, key: string): number | undefined {
  const v = d[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v > 0n ? Infinity : -Infinity;
  return undefined;
}

/** Own keys of a dict. */
export function keysOf(d: BDict): string[] {
  return Object.keys(d);
}
