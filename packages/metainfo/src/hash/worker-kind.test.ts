// Hashing workers are Web Workers on Deno and Bun and node:worker_threads workers on Node; both kinds
// answer the same jobs the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from './worker-pool.ts';
import { hashWorkerKind } from './worker-spawn-node.ts';
import { hex, makeTree } from './test-files.ts';

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const expected = g.Deno !== undefined || g.Bun !== undefined ? 'web' : 'node';
const t = makeTree({ 'a.bin': 40_000 });
afterAll(() => t.cleanup());

describe(`hash workers (${expected})`, () => {
  it(`are ${expected === 'web' ? 'Web Workers on this runtime' : 'node:worker_threads workers on Node'}`, () => {
    expect(hashWorkerKind()).toBe(expected);
  });

  it('hash a job, and report a missing file as a result the pool hands back', async () => {
    const pool = new WorkerPool(1);
    try {
      const path = join(t.dir, 'a.bin');
      const ok = await pool.run({
        segments: [{ file: 0, position: 0, at: 0, length: 40_000 }], paths: [path],
        work: { length: 40_000, pieceLength: 32_768, tree: [] }, lenient: false, noble: false,
      });
      const data = new Uint8Array(readFileSync(path));
      expect(ok.ok && hex(ok.sha1)).toBe(hex(sha1(data.subarray(0, 32_768))) + hex(sha1(data.subarray(32_768))));
      const missing = await pool.run({
        segments: [{ file: 0, position: 0, at: 0, length: 10 }], paths: [join(t.dir, 'gone.bin')],
        work: { length: 10, pieceLength: 16_384, tree: [] }, lenient: false, noble: false,
      });
      expect(missing).toMatchObject({ ok: false, code: 'FILE_MISSING' });
    } finally {
      await pool.close();
    }
    await expect(pool.run({ segments: [], paths: [], work: { length: 0, pieceLength: 16_384, tree: [] }, lenient: false, noble: false }))
      .rejects.toThrow('worker pool closed');
  });
});
