// Magnet links: BEP 9 (btih), BEP 52 (btmh v2 hashes), BEP 53 (`so` file selection).
export type { MagnetLink } from './types.ts';
export { parseMagnet, isSelected, type ParseMagnetOptions } from './parse.ts';
export { formatMagnet, magnetFromTorrent, type MagnetInput } from './format.ts';
