#!/usr/bin/env node
// `pnpm bench <name> [args]`: builds the packages, then runs tools/bench/<name>.mjs with Node.
// Benchmarks are not tests: each prints our figures, the anchor's, and the ratio, from one run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).map((f) => f.replace('.bench.mjs', ''));
if (!name || !existsSync(join(dir, `${name}.bench.mjs`))) {
  console.error(`usage: pnpm bench <${available.join('|')}> [args]`);
  process.exit(2);
}
const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@torrentkit/bench^...', '--output-logs=errors-only'], {
  cwd: join(dir, '../..'), stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, ['--expose-gc', join(dir, `${name}.bench.mjs`), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
