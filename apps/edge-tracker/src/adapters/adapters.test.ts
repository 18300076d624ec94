// The platform adapters take the client address from their platform's own source.
import { describe, expect, it } from 'vitest';
import { announceUrl, bdecode, compactPeers, id20 } from '../../test/announce-helpers.ts';

const origin = 'http://tracker.test';

describe('Vercel Edge adapter', () => {
  it('declares the edge runtime and reads x-real-ip', async () => {
    const mod = await import('./vercel.ts');
    expect(mod.config).toEqual({ runtime: 'edge' });
    const ih = id20(0x61, 1);
    await (await mod.default(new Request(announceUrl(origin, { infoHash: ih, peer: 1, port: 4001 }), { headers: { 'x-real-ip': '198.51.100.20' } }))).arrayBuffer();
    const r = bdecode(await (await mod.default(new Request(announceUrl(origin, { infoHash: ih, peer: 2 }), { headers: { 'x-real-ip': '198.51.100.21' } }))).arrayBuffer());
    expect(compactPeers(r.peers)).toEqual(['198.51.100.20:4001']);
  });
});

describe('Bun adapter', () => {
  it('asks the server for the socket address (server.requestIP), not the headers', async () => {
    const mod = await import('./bun.ts');
    const server = (ip: string) => ({ requestIP: () => ({ address: ip }) });
    const ih = id20(0x62, 1);
    const spoof = { headers: { 'x-forwarded-for': '6.6.6.6', 'cf-connecting-ip': '6.6.6.6' } };
    await (await mod.default.fetch(new Request(announceUrl(origin, { infoHash: ih, peer: 1, port: 4002 }), spoof), server('192.0.2.50'))).arrayBuffer();
    const r = bdecode(await (await mod.default.fetch(new Request(announceUrl(origin, { infoHash: ih, peer: 2 })), server('192.0.2.51'))).arrayBuffer());
    expect(compactPeers(r.peers)).toEqual(['192.0.2.50:4002']);
    expect(mod.default.hostname).toBe(process.env.HOST ?? '127.0.0.1');
  });
});

const deno = (globalThis as { Deno?: { openKv?: unknown; env: { set(k: string, v: string): void } } }).Deno;
const denoWhy = !deno ? 'needs the Deno runtime (pnpm run test:deno)' : !deno.openKv ? 'Deno.openKv needs --unstable-kv' : '';
if (denoWhy) console.warn(`skipping Deno adapter test: ${denoWhy}`);

describe.skipIf(denoWhy !== '')('Deno Deploy adapter (Deno KV)', () => {
  it('stores swarms in Deno KV and takes the address from remoteAddr', async () => {
    deno!.env.set('TRACKER_KV_PATH', ':memory:');
    const mod = await import('./deno.ts');
    const info = (hostname: string) => ({ remoteAddr: { hostname } });
    const ih = id20(0x63, 1);
    await (await mod.default.fetch(new Request(announceUrl(origin, { infoHash: ih, peer: 1, port: 4003, left: 0 })), info('203.0.113.30'))).arrayBuffer();
    const r = bdecode(await (await mod.default.fetch(new Request(announceUrl(origin, { infoHash: ih, peer: 2 })), info('203.0.113.31'))).arrayBuffer());
    expect(r).toMatchObject({ complete: 1, incomplete: 1 });
    expect(compactPeers(r.peers)).toEqual(['203.0.113.30:4003']);
    const stats = (await (await mod.default.fetch(new Request(`${origin}/stats.json`), info('203.0.113.31'))).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ store: 'deno-kv', swarms: 1, seeders: 1, leechers: 1 });
  });
});
