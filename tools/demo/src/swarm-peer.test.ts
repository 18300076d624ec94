// The demo peer against a lying seeder: the liar's files have the right sizes and the wrong bytes, so
// every piece it serves fails its SHA-1. The leecher must drop it, fetch everything from the honest
// seeder, and end up with the original bytes.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTorrent, fromHex, parseTorrent } from '@torrentkit/metainfo';
import { createLayout } from '@torrentkit/storage';
import { createNodeAnnounceClient, serveTracker, type TrackerServer } from '@torrentkit/tracker/node';
import type { AnnounceClient } from '@torrentkit/tracker';
import { writeSampleContent } from './content.ts';
import { SwarmPeer, type SwarmTorrent } from './swarm-peer.ts';

describe('SwarmPeer', () => {
  let dir: string;
  let tracker: TrackerServer;
  let client: AnnounceClient;
  let torrent: SwarmTorrent;
  const peers: SwarmPeer[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'torrentkit-demo-peer-'));
    tracker = await serveTracker({ host: '127.0.0.1', port: 0, udp: false });
    client = createNodeAnnounceClient();
    const files = await writeSampleContent(join(dir, 'good', 'data'), 1 << 20);
    for (const f of files) {
      await mkdir(join(dir, 'liar', 'data', ...f.path.slice(0, -1)), { recursive: true });
      await writeFile(join(dir, 'liar', 'data', ...f.path), new Uint8Array(f.length).fill(0x55));
    }
    const created = await createTorrent(join(dir, 'good', 'data'), { announce: tracker.httpUrl, pieceLength: 32 * 1024 });
    const parsed = parseTorrent(created.torrent);
    torrent = {
      infoHash: fromHex(parsed.infoHash!)!,
      pieces: parsed.pieces,
      layout: createLayout({ pieceLength: parsed.pieceLength, files: parsed.files.map((f) => ({ path: f.path, length: f.length, pad: f.pad })) }),
    };
  });
  afterAll(async () => {
    await Promise.allSettled(peers.map((p) => p.stop()));
    await client.close();
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drops a peer whose pieces fail the SHA-1 check and completes from the honest one', async () => {
    const make = (name: string, root: string, seed: boolean): SwarmPeer => {
      const p = new SwarmPeer({ name, torrent, root, seed, announceUrl: tracker.httpUrl, client, log: (l) => log.push(l), pipeline: 8 });
      peers.push(p);
      return p;
    };
    const liar = make('liar', join(dir, 'liar'), true);
    const honest = make('honest', join(dir, 'good'), true);
    const leecher = make('leecher', join(dir, 'leecher'), false);
    await liar.start();
    await honest.start();
    await leecher.start();
    await leecher.completed;

    expect(leecher.hashFailures).toBeGreaterThan(0);
    expect(log.join('\n')).toMatch(/leecher: lost .* failed its SHA-1 check/);
    expect(leecher.left).toBe(0);
    for (const f of ['alpha.bin', 'notes/beta.bin', 'gamma.dat']) {
      const [a, b] = await Promise.all([readFile(join(dir, 'good', 'data', f)), readFile(join(dir, 'leecher', 'data', f))]);
      expect(a.equals(b)).toBe(true);
    }
    expect(liar.uploaded).toBeGreaterThan(0);
  });
});
