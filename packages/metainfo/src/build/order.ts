// File order inside a built torrent, so the same files always give the same info hash.
// v1: by the full path's UTF-8 bytes with `/` between components, the order mktorrent uses (and
// libtorrent's v1-only creator when given sorted files), so our v1 info hashes match theirs.
// v2 and hybrid: component by component, because the BEP 52 `file tree` is a dict whose keys are
// sorted by bytes at every level, and a hybrid's v1 file list must follow the same order.
// The two differ only when a name holds a byte below `/` (e.g. `a-b/x` vs `a/y`).
import { encode } from '@torrentkit/bencode';

/**
 * Compare two strings by the bytes @torrentkit/bencode encodes them to, without encoding them (a
 * Uint8Array per name costs a backing store each: megabytes for a tree of many files). That is
 * UTF-8, whose byte order is code point order, which UTF-16 code-unit order matches except where a
 * surrogate pair (a code point above U+FFFF) meets a unit from U+E000 up: the pair is the larger.
 * Lone surrogates (U+DC80..U+DCFF stand for raw bytes that are not UTF-8) are rare enough to be
 * compared by their encoded bytes.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (!xs && !ys) return x - y;
    if (isPairAt(a, i) && isPairAt(b, i)) return x - y;
    // A pair against a unit outside the surrogates: the pair is above U+FFFF, the larger.
    if (xs !== ys && (xs ? isPairAt(a, i) : isPairAt(b, i))) return xs ? 1 : -1;
    return compareEncoded(a, b);
  }
  return a.length - b.length;
}

function isHighSurrogate(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}

/** A well-formed surrogate pair starts at `i`. */
function isPairAt(s: string, i: number): boolean {
  const lo = s.charCodeAt(i + 1);
  return isHighSurrogate(s.charCodeAt(i)) && lo >= 0xdc00 && lo <= 0xdfff;
}

function compareEncoded(a: string, b: string): number {
  const x = encodedBytes(a), y = encodedBytes(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The bytes @torrentkit/bencode writes for a string (its encoding without the `<length>:`). */
function encodedBytes(s: string): Uint8Array {
  const e = encode(s);
  return e.subarray(e.indexOf(0x3a) + 1);
}

/** How to read the components of a path-like item without building an array or a string. */
export interface PathComponents<T> {
  count(item: T): number;
  at(item: T, index: number): string;
}

const SLASH = 0x2f;

/**
 * A comparator of paths in the order of the given torrent version: v1 compares the paths joined
 * with `/` (as {@link compareUtf8} would, but without joining them), v2 and hybrid compare
 * component by component. Allocates nothing per comparison.
 */
export function pathComparator<T>(c: PathComponents<T>, version: 'v1' | 'v2' | 'hybrid'): (a: T, b: T) => number {
  if (version !== 'v1') {
    return (a, b) => {
      const na = c.count(a), nb = c.count(b);
      for (let i = 0; i < na && i < nb; i++) {
        const r = compareUtf8(c.at(a, i), c.at(b, i));
        if (r !== 0) return r;
      }
      return na - nb;
    };
  }
  return (a, b) => {
    const na = c.count(a), nb = c.count(b);
    for (let i = 0; i < na && i < nb; i++) {
      const x = c.at(a, i), y = c.at(b, i);
      if (x === y) continue;
      // Surrogates: different strings may encode to the same bytes, so compare what follows as bytes.
      if (SURROGATE.test(x) || SURROGATE.test(y)) return compareUtf8(joinFrom(c, a, i), joinFrom(c, b, i));
      // One component a prefix of the other: the path with the shorter one goes on with '/' or ends.
      if (y.startsWith(x)) return i + 1 < na ? slashVersus(y.charCodeAt(x.length)) : -1;
      if (x.startsWith(y)) return i + 1 < nb ? -slashVersus(x.charCodeAt(y.length)) : 1;
      return compareUtf8(x, y);
    }
    return na - nb;
  };
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Components `from` .. end of a path, joined with '/'. */
function joinFrom<T>(c: PathComponents<T>, item: T, from: number): string {
  const parts: string[] = [];
  for (let i = from; i < c.count(item); i++) parts.push(c.at(item, i));
  return parts.join('/');
}

/**
 * A string that is equal for two paths exactly when their encoded bytes are: the path itself unless
 * it holds surrogates, whose encoding can coincide with another string's.
 */
export function encodedKey(path: string): string {
  if (!SURROGATE.test(path)) return path;
  const bytes = encodedBytes(path);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Not UTF-8 (raw bytes behind U+DC80..U+DCFF escapes): a key no surrogate-free string can equal.
    let key = '\uDFFF';
    for (const b of bytes) key += String.fromCharCode(b);
    return key;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Order of '/' against another UTF-16 unit, by the UTF-8 bytes they encode to. */
function slashVersus(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? -1 : SLASH - unit;
}

const arrayComponents: PathComponents<readonly string[]> = { count: (p) => p.length, at: (p, i) => p[i]! };

/** Sort items by path in the order of the given torrent version (a new array; input untouched). */
export function sortByPath<T>(items: readonly T[], pathOf: (item: T) => readonly string[], version: 'v1' | 'v2' | 'hybrid'): T[] {
  const compare = pathComparator(arrayComponents, version);
  return [...items].sort((a, b) => compare(pathOf(a), pathOf(b)));
}
