// The `browser`/`worker` entry registers @noble/hashes as a side effect; a bundler keeps it only
// because package.json lists it under `sideEffects`. Bundled as a browser or edge-worker build
// would be, the package must parse with @noble/hashes where there is no node:crypto.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTorrent } from './index.ts';
import { fixture } from './test-fixtures.ts';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tk-web-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hybrid = fixture('transmission/bittorrent-v2-hybrid-test.torrent');

type Bundle = { parseTorrent: typeof parseTorrent; defaultDigests(): { kind: string } };

/** Runs `fn` with node:crypto out of reach, as on a runtime that has none. */
function withoutNodeCrypto<T>(fn: () => T): T {
  const proc = process as { getBuiltinModule?: unknown };
  const saved = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  try {
    return fn();
  } finally {
    proc.getBuiltinModule = saved;
  }
}

describe('a browser/edge bundle of @torrentkit/metainfo', () => {
  for (const conditions of [['browser'], ['workerd', 'worker', 'browser']]) {
    it(`keeps the @noble/hashes fallback (esbuild, conditions ${conditions.join(', ')})`, async () => {
      const outfile = join(work, `${conditions.join('-')}.mjs`);
      await build({
        stdin: { contents: "export { parseTorrent, defaultDigests } from '@torrentkit/metainfo';", resolveDir: pkg },
        bundle: true, platform: 'browser', format: 'esm', conditions, outfile, logLevel: 'silent',
        // Only the file and worker adapters import node: modules, dynamically; browser builds leave
        // them out (Vite replaces them with empty modules, wrangler's nodejs_compat provides them).
        external: ['node:*'],
      });
      const bundle = (await import(pathToFileURL(outfile).href)) as Bundle;
      const expected = parseTorrent(hybrid);
      const t = withoutNodeCrypto(() => {
        expect(bundle.defaultDigests().kind).toBe('noble');
        return bundle.parseTorrent(hybrid);
      });
      expect(t.infoHash).toBe(expected.infoHash);
      expect(t.infoHashV2).toBe(expected.infoHashV2);
    });
  }
});
