// Both entries on a runtime without node:crypto, on every runtime: each is bundled with esbuild as a
// browser or edge-worker build would be, and run with process.getBuiltinModule out of reach. The
// `browser`/`worker` entry registers @noble/hashes as a side effect, which a bundler keeps only
// because package.json lists it under `sideEffects`; the plain entry says what to do instead.
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

type Bundle = {
  parseTorrent: typeof parseTorrent;
  tryParseTorrent: typeof parseTorrent;
  defaultDigests(): { kind: string };
  loadNobleDigests(): Promise<unknown>;
};

/** Bundles `entry` (a specifier resolved from the package) for the browser with `conditions`. */
async function bundle(entry: string, conditions: string[], name: string): Promise<Bundle> {
  const outfile = join(work, `${name}.mjs`);
  await build({
    stdin: { contents: `export { parseTorrent, tryParseTorrent, defaultDigests, loadNobleDigests } from '${entry}';`, resolveDir: pkg },
    bundle: true, platform: 'browser', format: 'esm', conditions, outfile, logLevel: 'silent',
    // Only the file and worker adapters import node: modules, dynamically; browser builds leave
    // them out (Vite replaces them with empty modules, wrangler's nodejs_compat provides them).
    external: ['node:*'],
  });
  return (await import(pathToFileURL(outfile).href)) as Bundle;
}

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
      const web = await bundle('@torrentkit/metainfo', conditions, conditions.join('-'));
      const expected = parseTorrent(hybrid);
      const t = withoutNodeCrypto(() => {
        expect(web.defaultDigests().kind).toBe('noble');
        return web.parseTorrent(hybrid);
      });
      expect(t.infoHash).toBe(expected.infoHash);
      expect(t.infoHashV2).toBe(expected.infoHashV2);
    });
  }
});

describe('the plain entry without node:crypto', () => {
  it('says what to do, passes that through tryParseTorrent, and loadNobleDigests() makes noble the fallback', async () => {
    const plain = await bundle('./src/index.ts', [], 'plain');
    // The first call finds no node:crypto and remembers it; later calls need no stub.
    withoutNodeCrypto(() => expect(() => plain.parseTorrent(hybrid)).toThrowError(expect.objectContaining({ code: 'METAINFO_NO_DIGESTS' })));
    // not "not a torrent": the setup error comes through tryParseTorrent too
    expect(() => plain.tryParseTorrent(hybrid)).toThrowError(expect.objectContaining({ code: 'METAINFO_NO_DIGESTS' }));
    expect(() => plain.defaultDigests()).toThrow(/"browser" or "worker" condition, or await loadNobleDigests\(\)/);
    await plain.loadNobleDigests();
    expect(plain.defaultDigests().kind).toBe('noble');
    expect(plain.parseTorrent(hybrid).infoHash).toBe(parseTorrent(hybrid).infoHash);
  });
});
