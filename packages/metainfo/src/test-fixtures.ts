// Test helper: the shared fixtures (../shared/fixtures from the repo root). Not part of the package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of `../shared/fixtures/<sub>` (repo-root relative, as CI lays it out). */
export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

/** Bytes of a fixture file. */
export function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + rel));
}

/** Text of a fixture file. */
export function fixtureText(rel: string): string {
  return readFileSync(FIXTURES + rel, 'utf8');
}

/** Names of the files in a fixture directory that end with `ext`. */
export function fixtureNames(dir: string, ext: string): string[] {
  if (!existsSync(FIXTURES + dir)) return [];
  return readdirSync(FIXTURES + dir).filter((n) => n.endsWith(ext)).sort();
}

/** libtorrent's manifest: which torrents it accepts, rejects (with its error name), sanitises. */
export interface LibtorrentManifest {
  accept: string[];
  reject: Record<string, string>;
  accept_but_sanitize_paths: string[];
}

export function libtorrentManifest(): LibtorrentManifest {
  return JSON.parse(fixtureText('libtorrent/manifest.json')) as LibtorrentManifest;
}
