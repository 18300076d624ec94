// `pnpm pack` of each publishable package gives a tarball that a plain Node project (no TypeScript,
// no bundler, no export conditions of ours) can install and import. The tarballs are unpacked into a
// fresh node_modules as npm would; third-party dependencies are linked from this workspace because the
// tests run without network.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const packagesDir = join(root, 'packages');
const publishable = readdirSync(packagesDir)
  .map((name) => join(packagesDir, name))
  .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

const work = mkdtempSync(join(tmpdir(), 'torrentkit-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pnpm pack', () => {
  it('finds the publishable packages', () => {
    expect(publishable.map((p) => p.pkg.name)).toContain('@torrentkit/bencode');
  });

  it('every tarball installs into a plain Node project and imports there', async () => {
    const project = join(work, 'app');
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, '@torrentkit'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const thirdParty = new Set<string>();
    for (const { dir, pkg } of publishable) {
      const out = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, encoding: 'utf8' });
      const tarball = out.trim().split('\n').pop()!.trim();
      const target = join(modules, pkg.name);
      mkdirSync(target, { recursive: true });
      execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
      const packed = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
      // workspace: ranges must have been rewritten to real versions
      for (const [dep, range] of Object.entries<string>(packed.dependencies ?? {})) {
        expect(range, `${pkg.name} -> ${dep}`).not.toMatch(/^workspace:/);
        if (!dep.startsWith('@torrentkit/')) thirdParty.add(dep);
      }
      expect(JSON.stringify(packed.exports), pkg.name).not.toMatch(/(?<!\.d)\.ts"/);
    }
    for (const dep of thirdParty) {
      const from = join(root, 'node_modules', '.pnpm', 'node_modules', dep);
      const to = join(modules, dep);
      mkdirSync(join(to, '..'), { recursive: true });
      if (!existsSync(to)) symlinkSync(from, to, 'dir');
    }
    const names = publishable.map((p) => p.pkg.name);
    const script = `for (const n of ${JSON.stringify(names)}) { const m = await import(n); if (Object.keys(m).length === 0) throw new Error(n + ' exports nothing'); console.log(n, Object.keys(m).length); }`;
    const printed = execFileSync('node', ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' });
    for (const n of names) expect(printed).toContain(n);
    // CommonJS code can require() them too (Node 20.19+ and 22.12+; from 20.17 and 22.0 with the
    // flag): no module in any package's graph may use top-level await, which makes require() throw
    // ERR_REQUIRE_ASYNC_MODULE.
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    if (major > 20 || minor >= 17) {
      const required = execFileSync('node', ['--experimental-require-module', '--no-warnings', '-e',
        `for (const n of ${JSON.stringify(names)}) console.log(n, Object.keys(require(n)).length);`], { cwd: project, encoding: 'utf8' });
      for (const n of names) expect(required).toMatch(new RegExp(`${n} [1-9]`));
    }
    // the real thing works, not just the import
    const roundTrip = execFileSync('node', ['--input-type=module', '-e',
      "import { encode, decode } from '@torrentkit/bencode'; console.log(JSON.stringify(decode(encode({ a: [1, 2n ** 64n] }), {}), (k, v) => typeof v === 'bigint' ? v.toString() : v));"],
    { cwd: project, encoding: 'utf8' });
    expect(roundTrip.trim()).toBe('{"a":[1,"18446744073709551616"]}');
    // A browser or edge-worker bundle of the packed metainfo (its `browser`/`worker` entry, kept by
    // `sideEffects`) parses with @noble/hashes where there is no node:crypto.
    const bundle = join(project, 'web-bundle.mjs');
    await build({
      stdin: { contents: "export { parseTorrent, defaultDigests } from '@torrentkit/metainfo';", resolveDir: project },
      bundle: true, platform: 'browser', format: 'esm', conditions: ['workerd', 'worker', 'browser'],
      external: ['node:*'], outfile: bundle, logLevel: 'silent',
    });
    const torrent = join(root, '../shared/fixtures/transmission/bittorrent-v2-hybrid-test.torrent');
    const web = execFileSync('node', ['--input-type=module', '-e', `
      import { readFileSync } from 'node:fs';
      const bytes = new Uint8Array(readFileSync(${JSON.stringify(torrent)}));
      delete process.getBuiltinModule; // as on a runtime without node:crypto
      const { parseTorrent, defaultDigests } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const t = parseTorrent(bytes);
      console.log(defaultDigests().kind, t.infoHash, t.infoHashV2);`], { cwd: project, encoding: 'utf8' });
    const viaNode = execFileSync('node', ['--input-type=module', '-e', `
      import { parseTorrent } from '@torrentkit/metainfo';
      import { readFileSync } from 'node:fs';
      const t = parseTorrent(new Uint8Array(readFileSync(${JSON.stringify(torrent)})));
      console.log('native', t.infoHash, t.infoHashV2);`], { cwd: project, encoding: 'utf8' });
    expect(web.trim()).toBe(viaNode.trim().replace(/^native/, 'noble'));
  });
});
