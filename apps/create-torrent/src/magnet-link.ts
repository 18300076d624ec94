// Magnet links come from @torrentkit/metainfo (BEP 9 / 52 formatting lives there).

import { formatMagnet, magnetFromTorrent, type ParsedTorrent } from '@torrentkit/metainfo';

/** The magnet link of a parsed torrent: xt (btih and/or btmh), dn, tr per tracker, ws per web seed. */
export function magnetLink(t: ParsedTorrent): string {
  return formatMagnet(magnetFromTorrent(t));
}
