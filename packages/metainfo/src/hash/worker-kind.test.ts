// Hashing workers are Web Workers on Deno and Bun and node:worker_threads workers on Node; both kinds
// answer the same jobs the same way, and a worker that dies never leaves a job waiting.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFiles } from './hash-files.ts';
import { WorkerPool } from './worker-pool.ts';
import type { JobMessage } from './worker-protocol.ts';
import { hashWorkerKind, spawnHashWorker, type HashWorker } from './worker-spawn.ts';
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

const emptyJob: Omit<JobMessage, 'id'> = { segments: [], paths: [], work: { length: 0, pieceLength: 16_384, tree: [] }, lenient: false, noble: false };

describe('a worker that dies', () => {
  it(`fails its jobs and every later one (a real ${expected} worker whose entry is missing)`, async () => {
    const missing = new URL('./no-such-worker-entry.js', import.meta.url);
    const pool = new WorkerPool(1, () => spawnHashWorker({ web: missing, node: missing }));
    try {
      await expect(pool.run(emptyJob)).rejects.toThrow();
      await expect(pool.run(emptyJob)).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });

  it('online waits for every worker of a pool', async () => {
    const starts: Array<() => void> = [];
    const fake = (): HashWorker => ({
      post: () => {},
      listen: () => {},
      online: new Promise<void>((r) => starts.push(r)),
      terminate: async () => {},
    });
    const pool = new WorkerPool(2, fake);
    let online = false;
    void pool.online.then(() => (online = true));
    starts[0]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(online).toBe(false);
    starts[1]!();
    await pool.online;
    expect(online).toBe(true);
    await pool.close();
  });

  it('is skipped while another still runs, and a lent pool of dead workers fails a hash instead of hanging', async () => {
    let fail: ((err: Error) => void) | undefined;
    const posted: number[] = [];
    const fake = (dies: boolean): HashWorker => ({
        post: (job) => { posted.push(job.id); },
      listen: (_onResult, onFailure) => { if (dies) fail = onFailure; },
      online: Promise.resolve(),
      terminate: async () => {},
    });
    let n = 0;
    const pool = new WorkerPool(2, () => fake(n++ === 0));
    fail!(new Error('worker gone'));
    const waiting = pool.run(emptyJob); // goes to the live one, which never answers
    expect(posted).toHaveLength(1);
    await pool.close();
    await expect(waiting).rejects.toThrow('worker pool closed');

    const dead = new WorkerPool(1, () => fake(true));
    fail!(new Error('worker gone'));
    const path = join(t.dir, 'a.bin');
    const hashing = hashFiles([{ path, length: 40_000 }], { pieceLength: 16_384, threads: 2, workers: { ready: Promise.resolve({ threads: 2, pool: dead }), close: () => dead.close() } });
    await expect(hashing).rejects.toMatchObject({ code: 'METAINFO_HASH_FAILED', message: 'worker gone' });
    await dead.close();
  });
});
