// The swarm demo: sample content -> a torrent -> our tracker -> a seeder and N leechers that find each
// other only through the tracker -> verified files on disk -> scrape -> clean shutdown. Everything
// listens on 127.0.0.1 and every part is a torrentkit package.
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createTorrent, formatMagnet, magnetFromTorrent, parseTorrent, sanitizePath, fromHex } from '@torrentkit/metainfo';
import { createLayout } from '@torrentkit/storage';
import { createNodeAnnounceClient, serveTracker, type TrackerServer } from '@torrentkit/tracker/node';
import type { AnnounceClient } from '@torrentkit/tracker';
import { firstDifference } from './compare.ts';
import { writeSampleContent } from './content.ts';
import { SwarmPeer } from './swarm-peer.ts';

/** Options of {@link runDemo}; the CLI flags map onto these. */
export interface DemoOptions {
  /** Leechers to start. Default 2. */
  leechers?: number;
  /** Size of the generated content in MiB (fractions allowed). Default 24. */
  sizeMiB?: number;
  /** Share this file or directory instead of generating content. */
  content?: string;
  /** Work directory (content, downloads, the .torrent). Default: a new temp dir. */
  dir?: string;
  /** Tracker port. Default 0 (any free port). */
  port?: number;
  /** Keep the work files instead of deleting them. */
  keep?: boolean;
  /** Give up after this long. Default 120 s. */
  timeoutMs?: number;
  /** Where the log lines go. Default console.log. */
  log?: (line: string) => void;
}

/** What a finished run reports. */
export interface DemoResult {
  name: string;
  infoHash: string;
  magnet: string;
  totalBytes: number;
  pieceCount: number;
  pieceLength: number;
  trackerUrl: string;
  /** Where the files were (deleted afterwards unless `keep`). */
  workDir: string;
  contentPath: string;
  /** Each leecher's download directory (the torrent's files are below it). */
  leecherDirs: string[];
  /** The tracker's scrape once every leecher completed. */
  scrape: { complete: number; incomplete: number; downloaded: number };
  /** The scrape after everyone announced `stopped`. */
  scrapeAfterStop: { complete: number; incomplete: number; downloaded: number };
  leechers: { name: string; ms: number; downloaded: number; uploaded: number }[];
  seederUploaded: number;
  ms: number;
}

const MiB = 2 ** 20;
const mib = (n: number): string => `${(n / MiB).toFixed(2)} MiB`;

/** About a hundred pieces: enough to spread over the leechers, few enough to read in the log. */
function demoPieceLength(total: number): number {
  let len = 16 * 1024;
  while (len < 16 * MiB && total / len > 128) len *= 2;
  return len;
}

/** Runs the whole demo. Resolves with the figures, or rejects with what went wrong (after cleaning up). */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const print = options.log ?? ((line: string) => console.log(line));
  const log = (line: string): void => print(`[${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s] ${line}`);
  const leecherCount = options.leechers ?? 2;
  if (!Number.isInteger(leecherCount) || leecherCount < 1 || leecherCount > 20) throw new RangeError('leechers must be an integer from 1 to 20');
  const sizeMiB = options.sizeMiB ?? 24;
  if (!(sizeMiB > 0 && sizeMiB <= 1024)) throw new RangeError('size must be more than 0 and at most 1024 MiB');
  const timeoutMs = options.timeoutMs ?? 120_000;

  const ownDir = options.dir === undefined;
  const workDir = ownDir ? await mkdtemp(join(tmpdir(), 'torrentkit-demo-')) : resolve(options.dir!);
  const created: string[] = []; // what to delete when the user chose the directory
  let tracker: TrackerServer | undefined;
  let client: AnnounceClient | undefined;
  const peers: SwarmPeer[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Set on timeout: the body stops at its next step instead of starting anything new.
  let aborted: Error | undefined;
  const check = (): void => {
    if (aborted) throw aborted;
  };

  const body = async (): Promise<DemoResult> => {
    await mkdir(workDir, { recursive: true });
    // 1. Content.
    let contentPath: string;
    if (options.content) {
      contentPath = resolve(options.content);
      const s = await stat(contentPath);
      log(`1. content: sharing ${contentPath} (${s.isDirectory() ? 'directory' : mib(s.size)})`);
    } else {
      const seedRoot = join(workDir, 'seed');
      created.push(seedRoot);
      contentPath = join(seedRoot, 'torrentkit-demo');
      const t0 = Date.now();
      const files = await writeSampleContent(contentPath, Math.round(sizeMiB * MiB));
      log(`1. content: ${files.length} files, ${mib(files.reduce((n, f) => n + f.length, 0))} of pseudo-random bytes in ${contentPath} (${Date.now() - t0} ms)`);
      for (const f of files) log(`     ${f.path.join('/')}  ${f.length} bytes`);
    }

    check();
    // 2. Tracker (first, because the torrent carries its announce URL and the port may be 0).
    tracker = await serveTracker({ host: '127.0.0.1', port: options.port ?? 0, udp: false, interval: 60 });
    const trackerUrl = tracker.httpUrl;
    check();
    log(`2. tracker: @torrentkit/tracker listening on ${trackerUrl} (in-memory swarm store)`);

    // 3. Torrent.
    const t1 = Date.now();
    const total = await sizeOf(contentPath);
    const created1 = await createTorrent(contentPath, { announce: trackerUrl, pieceLength: demoPieceLength(total), comment: 'torrentkit demo' });
    check();
    const torrent = parseTorrent(created1.torrent);
    const torrentFile = join(workDir, `${torrent.name}.torrent`);
    await writeFile(torrentFile, created1.torrent);
    created.push(torrentFile);
    const magnet = formatMagnet(magnetFromTorrent(torrent));
    log(`3. torrent: "${torrent.name}", ${mib(torrent.length)}, ${torrent.pieceCount} pieces of ${torrent.pieceLength / 1024} KiB, hashed in ${Date.now() - t1} ms -> ${torrentFile}`);
    log(`     info hash ${torrent.infoHash}`);
    log(`     magnet    ${magnet}`);

    // 4. Peers: they know the torrent, nothing about each other; the tracker introduces them.
    client = createNodeAnnounceClient();
    const layout = createLayout({ pieceLength: torrent.pieceLength, files: torrent.files.map((f) => ({ path: f.path, length: f.length, pad: f.pad })) });
    const swarmTorrent = { infoHash: fromHex(torrent.infoHash!)!, pieces: torrent.pieces, layout };
    const names = new Map<string, string>();
    const nameOf = (key: Uint8Array | number): string | undefined => names.get(typeof key === 'number' ? `port:${key}` : Array.from(key).join(','));
    const addPeer = async (name: string, root: string, seed: boolean): Promise<SwarmPeer> => {
      const peer = new SwarmPeer({ name, torrent: swarmTorrent, root, seed, announceUrl: trackerUrl, client: client!, log, nameOf });
      peers.push(peer);
      names.set(Array.from(peer.peerId).join(','), name);
      // start() listens before it announces, so the tracker only ever hands out ports that answer.
      await peer.start();
      check();
      names.set(`port:${peer.port}`, name);
      return peer;
    };
    log(`4. swarm: 1 seeder + ${leecherCount} leecher(s), each announcing to the tracker and dialling the peers it returns`);
    const seeder = await addPeer('seeder', dirname(contentPath), true);
    const leecherDirs: string[] = [];
    const leechers: SwarmPeer[] = [];
    for (let i = 1; i <= leecherCount; i++) {
      const dir = join(workDir, `leecher-${i}`);
      created.push(dir);
      leecherDirs.push(dir);
      leechers.push(await addPeer(`leecher-${i}`, dir, false));
    }
    const times = await Promise.all(leechers.map((l) => l.completed));
    const swarmMs = Math.max(...times);
    log(`   every leecher complete after ${swarmMs} ms: ${mib(torrent.length * leecherCount)} moved (${(torrent.length * leecherCount / MiB / (swarmMs / 1000)).toFixed(1)} MiB/s)`);
    for (const l of leechers) log(`     ${l.name}: downloaded ${mib(l.downloaded)}, uploaded ${mib(l.uploaded)} to other leechers`);
    log(`     seeder: uploaded ${mib(seeder.uploaded)}`);

    // 5. Proof: every file of every leecher equals the original, byte for byte.
    const t5 = Date.now();
    let compared = 0;
    for (const [i, dir] of leecherDirs.entries()) {
      for (const f of torrent.files) {
        if (f.pad) continue;
        const original = join(dirname(contentPath), ...sanitizePath(f.path));
        const copy = join(dir, ...sanitizePath(f.path));
        const at = await firstDifference(original, copy);
        if (at >= 0) throw new Error(`leecher-${i + 1}: ${f.path.join('/')} differs from the original at byte ${at}`);
        compared += f.length;
      }
    }
    log(`5. verify: ${torrent.files.filter((f) => !f.pad).length * leecherCount} files (${mib(compared)}) identical to the originals, byte for byte (${Date.now() - t5} ms)`);
    const [scrape] = await client.scrape(trackerUrl, [swarmTorrent.infoHash]);
    if (!scrape) throw new Error('the tracker returned no scrape entry for the torrent');
    log(`   scrape: complete ${scrape.complete}, incomplete ${scrape.incomplete}, downloaded ${scrape.downloaded}`);
    const expected = { complete: leecherCount + 1, incomplete: 0, downloaded: leecherCount };
    if (scrape.complete !== expected.complete || scrape.incomplete !== 0 || scrape.downloaded !== expected.downloaded) {
      throw new Error(`scrape says ${JSON.stringify(scrape)}, expected ${JSON.stringify(expected)}`);
    }

    // Shutdown: everyone says goodbye to the tracker.
    for (const p of peers) await p.stop();
    const [after] = await client.scrape(trackerUrl, [swarmTorrent.infoHash]);
    const scrapeAfterStop = after ?? { complete: 0, incomplete: 0, downloaded: 0 };
    log(`   stopped: every peer announced "stopped"; scrape now complete ${scrapeAfterStop.complete}, incomplete ${scrapeAfterStop.incomplete}, downloaded ${scrapeAfterStop.downloaded}`);
    return {
      name: torrent.name, infoHash: torrent.infoHash!, magnet, totalBytes: torrent.length, pieceCount: torrent.pieceCount,
      pieceLength: torrent.pieceLength, trackerUrl, workDir, contentPath, leecherDirs, scrape, scrapeAfterStop,
      leechers: leechers.map((l, i) => ({ name: l.name, ms: times[i]!, downloaded: l.downloaded, uploaded: l.uploaded })),
      seederUploaded: seeder.uploaded, ms: Date.now() - started,
    };
  };

  const running = body();
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        aborted = new Error(`timed out after ${timeoutMs / 1000} s`);
        reject(aborted);
      }, timeoutMs);
    });
    const result = await Promise.race([running, timeout]);
    log(`done in ${result.ms} ms`);
    return result;
  } finally {
    clearTimeout(timer);
    aborted ??= new Error('the demo is shutting down');
    // Stopping the peers fails whatever the body still waits for; let it unwind (bounded) before
    // closing what it may still be using. Errors while tearing down must not hide the first one.
    await Promise.allSettled(peers.map((p) => p.stop()));
    await Promise.race([running.catch(() => {}), new Promise((r) => setTimeout(r, 20_000).unref?.())]);
    await Promise.allSettled(peers.map((p) => p.stop()));
    await client?.close().catch(() => {});
    await tracker?.close().catch(() => {});
    if (options.keep) log(`kept the files in ${workDir}`);
    else if (ownDir) await rm(workDir, { recursive: true, force: true });
    else for (const p of created) await rm(p, { recursive: true, force: true });
  }
}

/** Total bytes of a file, or of every regular file below a directory. */
async function sizeOf(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true })) {
    if (e.isFile() || e.isDirectory()) total += await sizeOf(join(path, e.name));
  }
  return total;
}
