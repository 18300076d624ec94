// `create-torrent show FILE.torrent [--json]`

import type { ShowArgs } from '../args.ts';
import type { Io } from '../io.ts';
import { magnetLink } from '../magnet-link.ts';
import { showText, torrentJson } from '../summary.ts';
import { readTorrent } from '../torrent-file.ts';

export async function runShow(args: ShowArgs, io: Io): Promise<number> {
  const t = readTorrent(args.torrent);
  const json = torrentJson(t, magnetLink(t));
  io.stdout.write(args.json ? `${JSON.stringify(json)}\n` : showText(json));
  return 0;
}
