// The version comes from package.json at run time: src/ and dist/ both sit one level below it, so
// the same relative URL works from source (Deno, Bun) and from the build (Node).

import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** This package's version, e.g. `0.1.0`. */
export function version(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
      cached = pkg.version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}

/** The `created by` string written into new torrents. */
export function createdBy(): string {
  return `torrentkit create-torrent/${version()}`;
}
