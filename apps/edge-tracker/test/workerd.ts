// Test helpers for workerd: build Workers (wrangler's own dry-run build, or esbuild for test-only
// entries) and run them in Miniflare with SQLite-backed Durable Objects. Test-only.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(appDir, '../..');

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tk-edge-${tag}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => { output += c; });
    child.stderr.on('data', (c) => { output += c; });
    child.once('error', fail);
    child.once('close', (code) => done({ code: code ?? 1, output }));
  });
}

/**
 * Runs `wrangler deploy --dry-run --outdir <dir>` (offline build of the real Worker). Wrangler 4
 * wants Node 22+, so it runs under the workspace's Bun when this Node is older.
 */
export async function wranglerDryRun(outdir: string): Promise<{ code: number; output: string }> {
  const wrangler = join(appDir, 'node_modules/wrangler/bin/wrangler.js');
  const major = Number(process.versions.node.split('.')[0]);
  const isBun = 'bun' in process.versions;
  const bun = [join(repoRoot, 'node_modules/.bin/bun'), join(appDir, 'node_modules/.bin/bun')].find(existsSync);
  const runner = isBun || major >= 22 || !bun ? process.execPath : bun;
  // No telemetry and no account lookups: the build must work offline.
  return run(runner, [wrangler, 'deploy', '--dry-run', '--outdir', outdir], appDir, {
    WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1', WRANGLER_LOG_PATH: join(outdir, 'logs'),
  });
}

/** Bundles a test-only Worker entry with esbuild (same resolution as the app's tsconfig). */
export async function bundleWorker(entry: string, outdir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(outdir, 'worker.js');
  await build({
    entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
    conditions: ['workerd', 'worker', 'source'], mainFields: ['module', 'main'], external: ['cloudflare:*', 'node:*'],
    tsconfig: join(appDir, 'tsconfig.json'), logLevel: 'error',
  });
  return outfile;
}
