// The /stats page as a person sees it: real headless Chromium (Debian's) loads it from a running
// tracker, the figures match, and the page refreshes itself from /stats.json.
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrackerServer, type RunningTracker } from '../src/server.ts';
import { announceUrl, id20 } from './announce-helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const onNode = !('bun' in process.versions) && !('Deno' in globalThis);
const why = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install chromium)`
  : !onNode ? 'playwright-core drives Chromium from Node only (pnpm run test:node)' : '';
if (why) console.warn(`skipping /stats browser test: ${why}`);
const suite = why ? describe.skip : describe;

suite('/stats in headless Chromium', () => {
  let t: RunningTracker;
  let profile = '';
  type Context = Awaited<ReturnType<typeof import('playwright-core')['chromium']['launchPersistentContext']>>;
  let browser: Context;

  beforeAll(async () => {
    t = await startTrackerServer({ port: 0, udp: false, title: 'torrentkit tracker (test)' });
    // 3 swarms: 2 seeders and 5 leechers in all.
    const peers: [number, number, number][] = [[1, 1, 0], [1, 2, 9], [1, 3, 9], [2, 4, 0], [2, 5, 9], [3, 6, 9], [3, 7, 9]];
    for (const [swarm, peer, left] of peers) {
      await (await fetch(announceUrl(t.origin, { infoHash: id20(0x50, swarm), peer, left, port: 6000 + peer }))).arrayBuffer();
    }
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'tk-chromium-'));
    // A fresh profile directory (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows swarms, seeders, leechers, announce rate and uptime, and refreshes itself', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${t.origin}/stats`);
    expect(await page.title()).toBe('torrentkit tracker (test) · stats');
    expect(await page.textContent('#swarms')).toBe('3');
    expect(await page.textContent('#seeders')).toBe('2');
    expect(await page.textContent('#leechers')).toBe('5');
    expect(await page.textContent('#announces')).toBe('7');
    expect(await page.isVisible('#rate')).toBe(true);
    expect(await page.textContent('#uptime')).toMatch(/^\d+(s|m)/);
    // New traffic shows up without a reload (the page polls /stats.json every 2 s).
    await (await fetch(announceUrl(t.origin, { infoHash: id20(0x50, 4), peer: 8, left: 0 }))).arrayBuffer();
    await page.waitForFunction(() => document.getElementById('swarms')?.textContent === '4', undefined, { timeout: 10_000 });
    expect(await page.textContent('#seeders')).toBe('3');
    expect(await page.getAttribute('#line', 'points')).not.toBe('');
    const shot = join(profile, 'stats.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    if (process.env.TK_STATS_SCREENSHOT) copyFileSync(shot, process.env.TK_STATS_SCREENSHOT);
    expect(errors).toEqual([]);
  });
});
