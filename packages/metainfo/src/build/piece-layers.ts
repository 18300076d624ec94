// BEP 52 `piece layers` of a built torrent (pure).

/** BEP 52 `piece layers` (pieces root -> piece layer) from the roots and layers of the files larger than one piece. */
export function pieceLayers(large: ReadonlyMap<number, { root: Uint8Array; layer: Uint8Array }>): Map<Uint8Array, Uint8Array> {
  const layers = new Map<Uint8Array, Uint8Array>();
  const seen = new Set<string>();
  // Identical files share a root and a layer; the dict holds it once.
  for (const { root, layer } of large.values()) {
    const key = Array.from(root, (b) => b.toString(16).padStart(2, '0')).join('');
    if (seen.has(key)) continue;
    seen.add(key);
    layers.set(root, layer);
  }
  return layers;
}
