// One Map key per block address. A number key (no string building) covers every torrent with fewer
// than 2^21 pieces; beyond that the key falls back to a string, which Maps handle just as well.
const SHIFT = 4294967296; // 2^32: begin is a uint32

/** @internal Key for the block at (`index`, `begin`). */
export function blockKey(index: number, begin: number): number | string {
  return index < 2097152 ? index * SHIFT + begin : `${index}:${begin}`;
}
