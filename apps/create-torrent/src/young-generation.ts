// Keeps V8's young generation at its first size while the CLI builds a torrent (Node only).
//
// V8 doubles the young generation, up to 32 MiB on Node 20 and 64 MiB on Node 24, whenever most
// young objects survive a scavenge, as the file list of a big tree does while it is walked; the heap
// keeps that room to the end. Growth factor 1 stops the doubling: on a tree of 100,000 files peak RSS
// drops by about 20 MiB (Node 20: 125 to 103, Node 24: 145 to 121), with no change in speed measured
// on one 1 GiB file or on 20,000 small ones. Deno and Bun run their engines' own settings.
import { setFlagsFromString } from 'node:v8';
import type { HashWorkers } from '@torrentkit/metainfo';

const FLAG = '--semi-space-growth-factor=1';

/**
 * Sets the flag now and again once `workers` run: on Node 20, starting a worker thread resets
 * flags set with `setFlagsFromString`.
 */
export function keepYoungGenerationSmall(workers: HashWorkers): void {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined || g.Bun !== undefined) return;
  setFlagsFromString(FLAG);
  void workers.online?.then(() => setFlagsFromString(FLAG));
}
