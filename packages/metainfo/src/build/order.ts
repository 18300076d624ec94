// File order inside a built torrent, so the same files always give the same info hash.
// v1: by the full path's UTF-8 bytes with `/` between components, the order mktorrent uses (and
// libtorrent's v1-only creator when given sorted files), so our v1 info hashes match theirs.
// v2 and hybrid: component by component, because the BEP 52 `file tree` is a dict whose keys are
// sorted by bytes at every level, and a hybrid's v1 file list must follow the same order.
// The two differ only when a name holds a byte below `/` (e.g. `a-b/x` vs `a/y`).

/**
 * Compare two strings by the UTF-8 bytes they encode to, without encoding them (a Uint8Array per
 * name costs a backing store each: megabytes for a tree of many files). UTF-8 byte order is code
 * point order, which UTF-16 code-unit order matches except where a surrogate (a code point above
 * U+FFFF) meets a unit from U+E000 up: the surrogate's code point is the larger one.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Sort items by path in the order of the given torrent version (a new array; input untouched). */
export function sortByPath<T>(items: readonly T[], pathOf: (item: T) => readonly string[], version: 'v1' | 'v2' | 'hybrid'): T[] {
  if (version === 'v1') {
    const keyed = items.map((item) => ({ item, key: pathOf(item).join('/') }));
    keyed.sort((a, b) => compareUtf8(a.key, b.key));
    return keyed.map((k) => k.item);
  }
  const keyed = items.map((item) => ({ item, key: pathOf(item) }));
  keyed.sort((a, b) => {
    const n = Math.min(a.key.length, b.key.length);
    for (let i = 0; i < n; i++) {
      const c = compareUtf8(a.key[i]!, b.key[i]!);
      if (c !== 0) return c;
    }
    return a.key.length - b.key.length;
  });
  return keyed.map((k) => k.item);
}
