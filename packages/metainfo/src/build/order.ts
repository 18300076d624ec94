// File order inside a built torrent, so the same files always give the same info hash.
// v1: by the full path's UTF-8 bytes with `/` between components, the order mktorrent uses (and
// libtorrent's v1-only creator when given sorted files), so our v1 info hashes match theirs.
// v2 and hybrid: component by component, because the BEP 52 `file tree` is a dict whose keys are
// sorted by bytes at every level, and a hybrid's v1 file list must follow the same order.
// The two differ only when a name holds a byte below `/` (e.g. `a-b/x` vs `a/y`).

const utf8 = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Sort items by path in the order of the given torrent version (a new array; input untouched). */
export function sortByPath<T>(items: readonly T[], pathOf: (item: T) => readonly string[], version: 'v1' | 'v2' | 'hybrid'): T[] {
  if (version === 'v1') {
    const keyed = items.map((item) => ({ item, key: utf8.encode(pathOf(item).join('/')) }));
    keyed.sort((a, b) => compareBytes(a.key, b.key));
    return keyed.map((k) => k.item);
  }
  const keyed = items.map((item) => ({ item, key: pathOf(item).map((c) => utf8.encode(c)) }));
  keyed.sort((a, b) => {
    const n = Math.min(a.key.length, b.key.length);
    for (let i = 0; i < n; i++) {
      const c = compareBytes(a.key[i]!, b.key[i]!);
      if (c !== 0) return c;
    }
    return a.key.length - b.key.length;
  });
  return keyed.map((k) => k.item);
}
