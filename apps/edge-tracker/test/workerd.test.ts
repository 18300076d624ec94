// Cloudflare Workers: the real Worker (built by `wrangler deploy --dry-run`) and the Durable Object
// store, run inside workerd through Miniflare with SQLite-backed Durable Objects.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Miniflare as MiniflareType } from 'miniflare';
import type { ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from '@torrentkit/tracker';
import { TrackerError } from '@torrentkit/tracker';
import { describeSwarmStore } from '../../../packages/tracker/src/stores/store.contract.ts';
import { announceUrl, bdecode, compactPeers, id20, scrapeUrl } from './announce-helpers.ts';
import { fromWire, toWire } from './wire-json.ts';
import { appDir, bundleWorker, removeDir, tempDir, wranglerDryRun } from './workerd.ts';

// Miniflare drives workerd from Node; under Deno and Bun the same suite is skipped.
const onNode = !('bun' in process.versions) && !('Deno' in globalThis);
const suite = onNode ? describe : describe.skip;
if (!onNode) console.warn('skipping workerd tests: Miniflare runs under Node only (pnpm run test:node)');

/** A SwarmStore whose every call runs inside workerd (see do-store-worker.ts). */
class WorkerdStore implements SwarmStore {
  readonly mf: MiniflareType;
  readonly prefix: string;
  readonly shards: number;
  constructor(mf: MiniflareType, prefix: string, shards: number) {
    this.mf = mf;
    this.prefix = prefix;
    this.shards = shards;
  }
  async #call(op: string, args: unknown[]): Promise<unknown> {
    const r = await this.mf.dispatchFetch('http://store.test/', {
      method: 'POST', body: JSON.stringify(toWire({ op, prefix: this.prefix, shards: this.shards, args })),
    });
    const j = (await r.json()) as { ok?: unknown; error?: string; message?: string };
    if (j.error) throw new TrackerError(j.error, j.message ?? j.error);
    return fromWire(j.ok);
  }
  announce(r: StoreAnnounce) { return this.#call('announce', [r]) as Promise<StoreAnnounceResult>; }
  scrape(h: readonly Uint8Array[], now: number) { return this.#call('scrape', [h, now]) as Promise<ScrapeEntry[]>; }
  expire(now: number) { return this.#call('expire', [now]) as Promise<number>; }
  stats() { return this.#call('stats', []) as Promise<StoreStats>; }
  async close() {}
}

suite('Cloudflare Workers (workerd)', () => {
  let Miniflare: typeof MiniflareType;
  let outdir = '';
  let persist = '';
  let worker: MiniflareType;
  let storeWorker: MiniflareType;
  let built: { code: number; output: string };

  beforeAll(async () => {
    ({ Miniflare } = await import('miniflare'));
    outdir = tempDir('wrangler');
    persist = tempDir('do');
    built = await wranglerDryRun(outdir);
    if (built.code === 0) {
      worker = new Miniflare({
        modules: true, scriptPath: join(outdir, 'cloudflare.js'), modulesRoot: outdir,
        compatibilityDate: '2025-06-01',
        durableObjects: { SWARMS: { className: 'SwarmShard', useSQLite: true } },
        durableObjectsPersist: persist,
        bindings: { TRACKER_INTERVAL: '120', TRACKER_SHARDS: '16' },
      });
    }
    const storeOut = tempDir('store');
    const script = await bundleWorker(join(appDir, 'test/do-store-worker.ts'), storeOut);
    storeWorker = new Miniflare({
      modules: true, script: readFileSync(script, 'utf8'), compatibilityDate: '2025-06-01',
      durableObjects: { SWARMS: { className: 'SwarmShard', useSQLite: true } },
    });
    removeDir(storeOut);
  });

  afterAll(async () => {
    await worker?.dispose();
    await storeWorker?.dispose();
    removeDir(outdir);
    removeDir(persist);
  });

  it('builds offline with `wrangler deploy --dry-run --outdir`', () => {
    expect(built.output).toContain('--dry-run: exiting now');
    expect(built.code).toBe(0);
    const bundle = readFileSync(join(outdir, 'cloudflare.js'), 'utf8');
    expect(bundle).toMatch(/export\s*\{[^}]*SwarmShard/);
    expect(bundle).not.toMatch(/from\s+["']node:/);
  });

  it('answers announces from cf-connecting-ip clients who then find each other', async () => {
    const ih = id20(0x11, 1);
    const a = await worker.dispatchFetch(announceUrl('http://tracker.test', { infoHash: ih, peer: 1, port: 7001, event: 'started' }), {
      headers: { 'cf-connecting-ip': '198.51.100.7' },
    });
    expect(a.status).toBe(200);
    expect(bdecode(await a.arrayBuffer())).toMatchObject({ interval: 120, incomplete: 1, complete: 0 });
    const b = await worker.dispatchFetch(announceUrl('http://tracker.test', { infoHash: ih, peer: 2, port: 7002, left: 0, event: 'started' }), {
      headers: { 'cf-connecting-ip': '203.0.113.9' },
    });
    const reply = bdecode(await b.arrayBuffer());
    expect(reply).toMatchObject({ complete: 1, incomplete: 1 });
    expect(compactPeers(reply.peers)).toEqual(['198.51.100.7:7001']);
    const s = await worker.dispatchFetch(scrapeUrl('http://tracker.test', [ih]));
    const files = bdecode(await s.arrayBuffer()).files as Record<string, Record<string, number>>;
    expect(Object.values(files)).toEqual([{ complete: 1, incomplete: 1, downloaded: 0 }]);
  });

  it('shards swarms over several Durable Objects (not one object for all)', async () => {
    // Info hashes with different leading bytes land on different shards; each object is a file.
    for (let i = 0; i < 6; i++) {
      const ih = id20(0x20 + i, 2);
      ih[1] = i;
      const r = await worker.dispatchFetch(announceUrl('http://tracker.test', { infoHash: ih, peer: 1 }), { headers: { 'cf-connecting-ip': '198.51.100.1' } });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
    }
    const objects = readdirSync(persist, { recursive: true }).map(String).filter((f) => f.endsWith('.sqlite'));
    expect(objects.length).toBeGreaterThanOrEqual(4);
    const st = await (await worker.dispatchFetch('http://tracker.test/stats.json')).json() as { swarms: number; store: string };
    expect(st.store).toBe('durable-objects');
    expect(st.swarms).toBeGreaterThanOrEqual(7);
  });

  it('answers a garbage client address with a bencoded failure and stays up', async () => {
    const r = await worker.dispatchFetch(announceUrl('http://tracker.test', { infoHash: id20(0x11, 3), peer: 1 }), {
      headers: { 'cf-connecting-ip': 'not-an-address' },
    });
    expect(bdecode(await r.arrayBuffer())['failure reason']).toBeDefined();
  });

  it('answers a bad variable with a 500 bencoded failure (not an exception) and logs what is wrong', async () => {
    for (const bindings of [{ TRACKER_INTERVAL: 'soon' }, { TRACKER_SHARDS: 'many' }]) {
      const logged: string[] = [];
      const bad = new Miniflare({
        modules: true, scriptPath: join(outdir, 'cloudflare.js'), modulesRoot: outdir, compatibilityDate: '2025-06-01',
        durableObjects: { SWARMS: { className: 'SwarmShard', useSQLite: true } }, bindings,
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
          for (const stream of [stdout, stderr]) stream.on('data', (c: Buffer) => { logged.push(c.toString()); });
        },
      });
      try {
        const a = await bad.dispatchFetch(announceUrl('http://tracker.test', { infoHash: id20(0x12, 1), peer: 1 }), { headers: { 'cf-connecting-ip': '198.51.100.7' } });
        expect(a.status).toBe(500);
        expect(a.headers.get('content-type')).toBe('text/plain');
        const reason = bdecode(await a.arrayBuffer())['failure reason'];
        expect(new TextDecoder().decode(reason as Uint8Array)).toBe('tracker is misconfigured');
        const page = await bad.dispatchFetch('http://tracker.test/stats');
        expect(page.status).toBe(500);
        expect(await page.text()).toBe('tracker is misconfigured\n');
        await expect.poll(() => logged.join('')).toContain(`${Object.keys(bindings)[0]} must be an integer`);
      } finally {
        await bad.dispose();
      }
    }
  });

  let n = 0;
  describeSwarmStore('durable objects in workerd', () => new WorkerdStore(storeWorker, `t${n++}-`, 4));
});
