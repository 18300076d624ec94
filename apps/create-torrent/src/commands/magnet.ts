// `create-torrent magnet FILE.torrent`

import type { MagnetArgs } from '../args.ts';
import type { Io } from '../io.ts';
import { magnetLink } from '../magnet-link.ts';
import { readTorrent } from '../torrent-file.ts';

export async function runMagnet(args: MagnetArgs, io: Io): Promise<number> {
  io.stdout.write(`${magnetLink(readTorrent(args.torrent))}\n`);
  return 0;
}
