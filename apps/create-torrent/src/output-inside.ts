// When the .torrent is written inside the directory it is made of (`cd proj && create-torrent .`),
// the walk would find it: a second run with -f would put the first run's torrent into the new one,
// and the info hash would change on every run. The output (and this CLI's own temporary files next
// to it) are left out with exclude patterns that match exactly that path and nothing else.

import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { TEMP_PREFIX, TEMP_SUFFIX } from './write-file.ts';

/**
 * Exclude patterns for `output` when it lies inside the directory `input`, or undefined when it
 * does not (or `input` is a file). Both paths must exist up to the output's directory.
 */
export function outputInside(input: string, output: string): string[] | undefined {
  let root: string;
  let dir: string;
  try {
    root = realpathSync(input);
    if (!statSync(root).isDirectory()) return undefined;
    dir = realpathSync(dirname(output));
  } catch {
    return undefined;
  }
  const rel = relative(root, join(dir, basename(output)));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  const parts = rel.split(sep).map(literal);
  const dirs = parts.slice(0, -1);
  // A leading `/` anchors a pattern to the torrent's root (metainfo's exclude globs, as .gitignore).
  return [
    `/${[...dirs, parts[parts.length - 1]!].join('/')}`,
    `/${[...dirs, `${literal(TEMP_PREFIX)}*${literal(TEMP_SUFFIX)}`].join('/')}`,
  ];
}

/** `text` as a glob that matches only itself: every character a glob treats specially is put in a class. */
export function literal(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `[${c}]`);
}
