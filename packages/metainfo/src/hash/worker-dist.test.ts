// The worker entry resolves next to the module that starts it: worker.ts / worker-web.ts from source
// (the other tests), worker.js / worker-web.js from dist/ (this one). Builds the package when dist/
// is missing or stale, then hashes with workers from a process of this runtime that imports dist/
// directly: Node takes worker.js, Deno and Bun the Web Worker entry worker-web.js.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFiles } from './hash-files.ts';
import { hex, makeTree } from './test-files.ts';

const pkg = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(pkg, 'dist/hash');
const node = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
if (!node) console.warn('dist worker test skipped: no `node` on PATH');

function stale(): boolean {
  if (!existsSync(join(dist, 'worker.js'))) return true;
  const src = join(pkg, 'src/hash');
  const newest = Math.max(...readdirSync(src).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(src, f)).mtimeMs));
  return statSync(join(dist, 'worker.js')).mtimeMs < newest;
}

let t: { dir: string; cleanup: () => void };
beforeAll(() => {
  t = makeTree({ x: 100_000, y: 33_333 });
  if (node && stale()) {
    const tsc = join(pkg, '../../node_modules/typescript/bin/tsc');
    spawnSync(node, [tsc, '-p', join(pkg, 'tsconfig.build.json')], { cwd: pkg, encoding: 'utf8' });
  }
}, 120_000);
afterAll(() => t.cleanup());

const g = globalThis as { Deno?: unknown; Bun?: unknown };
// This runtime's command line for a script, and the entry its workers must come from.
const [command, entry] = g.Deno !== undefined
  ? [[process.execPath, 'run', '-A'], 'worker-web.js']
  : g.Bun !== undefined ? [[process.execPath], 'worker-web.js'] : [[node], 'worker.js'];

describe.skipIf(!node)('hash workers from dist/', () => {
  it(`a process of this runtime importing dist/ hashes with ${entry} and matches the source build`, async () => {
    expect(existsSync(join(dist, 'worker.js'))).toBe(true);
    const sources = [{ path: join(t.dir, 'x'), length: 100_000 }, { path: join(t.dir, 'y'), length: 33_333 }];
    const script = `
      import { hashFiles } from ${JSON.stringify(join(dist, 'index.js'))};
      import { hashWorkerKind, webWorkerEntryUrl, workerEntryUrl } from ${JSON.stringify(join(dist, 'worker-spawn.js'))};
      const r = await hashFiles(${JSON.stringify(sources)}, { pieceLength: 16384, mode: 'hybrid', threads: 2, chunkSize: 32768 });
      const hex = (b) => Buffer.from(b).toString('hex');
      const entry = (hashWorkerKind() === 'web' ? webWorkerEntryUrl() : workerEntryUrl()).pathname;
      console.log(JSON.stringify({ entry, pieces: hex(r.pieces), roots: r.files.map((f) => hex(f.piecesRoot)) }));`;
    const file = join(t.dir, 'dist-check.mjs');
    writeFileSync(file, script);
    const r = spawnSync(command[0]!, [...command.slice(1), file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { entry: string; pieces: string; roots: string[] };
    expect(out.entry.endsWith(`/dist/hash/${entry}`)).toBe(true);
    const ours = await hashFiles(sources, { pieceLength: 16384, mode: 'hybrid', threads: 0 });
    expect(out.pieces).toBe(hex(ours.pieces));
    expect(out.roots).toEqual(ours.files.map((f) => hex(f.piecesRoot!)));
  }, 60_000);
});
