// The worker entry resolves next to the module that starts it: worker.ts from source (the other
// tests), worker.js from dist/ (this one). Builds the package when dist/ is missing or stale, then
// hashes with workers from a plain `node` process that imports dist/ directly.
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

describe.skipIf(!node)('hash workers from dist/', () => {
  it('a node process importing dist/ hashes with worker.js and matches the source build', async () => {
    expect(existsSync(join(dist, 'worker.js'))).toBe(true);
    const sources = [{ path: join(t.dir, 'x'), length: 100_000 }, { path: join(t.dir, 'y'), length: 33_333 }];
    const script = `
      import { hashFiles } from ${JSON.stringify(join(dist, 'index.js'))};
      import { workerEntryUrl } from ${JSON.stringify(join(dist, 'worker-spawn-node.js'))};
      const r = await hashFiles(${JSON.stringify(sources)}, { pieceLength: 16384, mode: 'hybrid', threads: 2, chunkSize: 32768 });
      const hex = (b) => Buffer.from(b).toString('hex');
      console.log(JSON.stringify({ entry: workerEntryUrl().pathname, pieces: hex(r.pieces), roots: r.files.map((f) => hex(f.piecesRoot)) }));`;
    const file = join(t.dir, 'dist-check.mjs');
    writeFileSync(file, script);
    const r = spawnSync(node, [file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { entry: string; pieces: string; roots: string[] };
    expect(out.entry.endsWith('/dist/hash/worker.js')).toBe(true);
    const ours = await hashFiles(sources, { pieceLength: 16384, mode: 'hybrid', threads: 0 });
    expect(out.pieces).toBe(hex(ours.pieces));
    expect(out.roots).toEqual(ours.files.map((f) => hex(f.piecesRoot!)));
  }, 60_000);
});
