// Interop of @torrentkit/wire + @torrentkit/storage with real clients, on loopback inside netns-run:
// we download from libtorrent and Transmission seeders (metadata fetched with ut_metadata from the
// info hash alone), and libtorrent and aria2 leechers download from our seeder. Each run once with
// the fast extension negotiated and once without (we toggle our bit; BEP 6 needs both sides).
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Storage, createLayout } from '@torrentkit/storage';
import { FileStore } from '@torrentkit/storage/file-store';
import { download } from './wire-downloader.ts';
import { parseTorrentFile, type InfoSummary } from './wire-info.ts';
import { FIXTURE_FILES, PYTHON, Proc, SHARED, hasCommand, hasLibtorrent, isolated, makeTorrent, thirdPartyPort, writeFixture } from './wire-procs.ts';
import { Seeder } from './wire-seeder.ts';

const inNetns = isolated();
const haveLt = inNetns && hasLibtorrent();
const haveTr = inNetns && hasCommand('transmission-daemon') && hasCommand('transmission-remote');
const haveAria = inNetns && hasCommand('aria2c');
if (!inNetns) console.warn('wire interop: skipped, not inside ../shared/tools/netns-run (only loopback allowed)');
else {
  if (!haveLt) console.warn('wire interop: libtorrent tests skipped, python3-libtorrent missing');
  if (!haveTr) console.warn('wire interop: Transmission tests skipped, transmission-daemon/remote missing');
  if (!haveAria) console.warn('wire interop: aria2 tests skipped, aria2c missing');
}
const suite = inNetns && haveLt ? describe : describe.skip;
// Explicit per-test and per-hook timeouts: bun test does not read vitest.config.ts.
const TEST_MS = 90_000;
const HOOK_MS = 60_000;

let dir = '';
let src = ''; // directory holding tk64/
let torrentPath = '';
let info: InfoSummary;
let outCount = 0;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function expectSameFiles(outRoot: string): void {
  for (const f of FIXTURE_FILES) {
    const a = readFileSync(join(src, 'tk64', f.path));
    const p = join(outRoot, 'tk64', f.path);
    if (f.length === 0 && !existsSync(p)) throw new Error(`${f.path} (empty) was not created`);
    const b = readFileSync(p);
    expect(b.length, f.path).toBe(a.length);
    expect(Buffer.compare(a, b), f.path).toBe(0);
  }
}

function freshOut(): string {
  return join(dir, `out${outCount++}`);
}

async function ourDownload(host: string, port: number, fast: boolean, localAddress?: string) {
  const out = freshOut();
  const res = await download({
    infoHash: info.infoHash,
    peers: [{ host, port }],
    localAddress,
    fast,
    pipeline: 256,
    timeoutMs: 55_000,
    store: (layout) => new FileStore(layout, { root: out }),
  });
  await res.storage.close();
  return { res, out };
}

suite('wire + storage interop (real clients, loopback)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-wire-interop-'));
    src = join(dir, 'src');
    writeFixture(src);
    torrentPath = join(dir, 'tk64.torrent');
    info = parseTorrentFile(makeTorrent(join(src, 'tk64'), torrentPath));
  }, HOOK_MS);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('libtorrent seeder', () => {
    let seed: Proc;
    const port = thirdPartyPort();
    beforeAll(async () => {
      seed = new Proc(PYTHON, [join(SHARED, 'lt-peer.py'), 'seed', torrentPath, src, '--port', String(port), '--bind', '127.0.0.2', '--enc', 'plain', '--seconds', '300']);
      await seed.waitFor(/"seeding": true/, 30_000);
    }, HOOK_MS);
    afterAll(async () => {
      await seed?.stop();
    });

    for (const fast of [true, false]) {
      it(`fetches the metadata from the info hash alone and downloads 64 MiB byte for byte (fast ${fast ? 'on' : 'off'})`, async () => {
        const { res, out } = await ourDownload('127.0.0.2', port, fast);
        expect(res.info.infoBytes.length).toBeGreaterThan(0);
        expect(hex(res.info.infoHash)).toBe(hex(info.infoHash));
        expect(res.have.complete).toBe(true);
        const peer = res.peers[0]!;
        expect(peer.extended).toBe(true);
        expect(peer.fast).toBe(fast);
        expect(peer.metadataSize).toBe(info.infoBytes.length);
        expect(peer.client).toMatch(/lt-peer|libtorrent/i);
        expectSameFiles(out);
        console.log(`libtorrent seeder -> ours (fast ${fast}): ${(res.bytes / 1e6 / (res.ms / 1000)).toFixed(1)} MB/s, metadata at ${res.metadataMs} ms`);
      }, TEST_MS);
    }
  });

  (haveTr ? describe : describe.skip)('Transmission seeder', () => {
    let daemon: Proc;
    const peerPort = thirdPartyPort();
    const rpcPort = thirdPartyPort();
    beforeAll(async () => {
      daemon = new Proc('bash', [join(SHARED, 'transmission-daemon.sh'), join(dir, 'tr-conf'), src, String(peerPort), String(rpcPort)], {
        BIND: '127.0.0.3',
        ENC: '0',
        TIMEOUT: '300',
      });
      const remote = (...args: string[]) => spawnSync('transmission-remote', [`127.0.0.1:${rpcPort}`, ...args], { encoding: 'utf8' });
      const t0 = Date.now();
      while (remote('-l').status !== 0) {
        if (Date.now() - t0 > 20_000) throw new Error(`transmission-daemon did not start\n${daemon.output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const add = remote('-a', torrentPath, '-w', src);
      if (add.status !== 0) throw new Error(`transmission-remote -a failed: ${add.stderr}`);
      while (!/Percent Done: 100%/.test(remote('-t', '1', '-i').stdout) || !/State: Seeding|State: Idle/.test(remote('-t', '1', '-i').stdout)) {
        if (Date.now() - t0 > 40_000) throw new Error(`Transmission did not finish verifying\n${remote('-t', '1', '-i').stdout}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }, HOOK_MS);
    afterAll(async () => {
      await daemon?.stop();
    });

    // Transmission unchokes on its 10 s rechoke timer, so both variants run at once (from two
    // local addresses: it keys peers by IP) to pay that wait only once.
    it('fetches the metadata and downloads 64 MiB from Transmission byte for byte (fast on and off, concurrently)', async () => {
      const runs = await Promise.all([true, false].map((fast) => ourDownload('127.0.0.3', peerPort, fast, fast ? '127.0.0.10' : '127.0.0.11')));
      for (const [k, { res, out }] of runs.entries()) {
        const fast = k === 0;
        expect(res.have.complete).toBe(true);
        const peer = res.peers[0]!;
        expect(peer.extended).toBe(true);
        expect(peer.fast).toBe(fast);
        expect(peer.client).toMatch(/Transmission/i);
        expectSameFiles(out);
        console.log(`Transmission seeder -> ours (fast ${fast}): ${(res.bytes / 1e6 / (res.ms / 1000)).toFixed(1)} MB/s, metadata at ${res.metadataMs} ms, first block at ${res.firstBlockMs} ms`);
      }
    }, TEST_MS);
  });

  describe('our seeder', () => {
    async function startSeeder(fast: boolean): Promise<{ seeder: Seeder; port: number }> {
      const layout = createLayout(info.layout);
      const storage = new Storage(layout, new FileStore(layout, { root: src, readOnly: true }));
      const seeder = new Seeder({ infoHash: info.infoHash, infoBytes: info.infoBytes, storage, fast });
      return { seeder, port: await seeder.listen() };
    }

    for (const fast of [true, false]) {
      const how = fast ? 'from the .torrent' : 'from a magnet link (metadata over ut_metadata)';
      it(`a libtorrent leecher downloads 64 MiB ${how} (fast ${fast ? 'on' : 'off'})`, async () => {
        const { seeder, port } = await startSeeder(fast);
        const out = freshOut();
        const what = fast ? torrentPath : `magnet:?xt=urn:btih:${hex(info.infoHash)}`;
        const leech = new Proc(PYTHON, [join(SHARED, 'lt-peer.py'), 'leech', what, out, '--peer', `127.0.0.1:${port}`, '--bind', '127.0.0.4', '--port', String(thirdPartyPort()), '--enc', 'plain', '--timeout', '50']);
        try {
          const code = await leech.exited;
          const m = /\{"ok".*\}/.exec(leech.output);
          expect(code, leech.output.slice(-2000)).toBe(0);
          const res = JSON.parse(m![0]) as { ok: boolean; MBps: number };
          expect(res.ok).toBe(true);
          expect(seeder.stats.bytesServed).toBeGreaterThanOrEqual(64 * 1024 * 1024);
          if (!fast) expect(seeder.stats.metadataPiecesServed).toBeGreaterThan(0);
          // libtorrent does not create the empty file; everything else must match
          for (const f of FIXTURE_FILES.filter((x) => x.length > 0)) {
            expect(Buffer.compare(readFileSync(join(src, 'tk64', f.path)), readFileSync(join(out, 'tk64', f.path))), f.path).toBe(0);
          }
          console.log(`ours -> libtorrent leecher (fast ${fast}): ${res.MBps} MB/s`);
        } finally {
          await leech.stop();
          await seeder.close();
        }
      }, TEST_MS);
    }

    for (const fast of [true, false]) {
      (haveAria ? it : it.skip)(`an aria2c leecher downloads 64 MiB from our seeder, which dials it (fast ${fast ? 'on' : 'off'})`, async () => {
        const { seeder, port } = await startSeeder(fast);
        const out = freshOut();
        const ariaPort = thirdPartyPort();
        const bind = fast ? '127.0.0.5' : '127.0.0.6';
        const leech = new Proc('bash', [join(SHARED, 'aria2.sh'), 'leech', torrentPath, out, String(ariaPort)], { BIND: bind, TIMEOUT: '55' });
        try {
          // aria2 has no way to be told a peer without a tracker or DHT: we connect to its listen port,
          // and connect again whenever our connection is gone while it still runs (as a seeder would).
          let live: Awaited<ReturnType<Seeder['connect']>> | undefined;
          const dialed: NonNullable<typeof live>[] = [];
          while (leech.child.exitCode === null) {
            if (!live || live.closed) {
              live = await seeder.connect(bind, ariaPort).catch(() => undefined);
              if (live) dialed.push(live);
            }
            await Promise.race([leech.exited, new Promise((r) => setTimeout(r, 300))]);
          }
          const code = await leech.exited;
          expect(code, `${leech.output.slice(-1500)}\nour side: ${JSON.stringify(seeder.stats)}`).toBe(0);
          // every connection that got as far as the handshake negotiated fast as configured
          const shook = dialed.filter((p) => p.session.peerId !== undefined);
          expect(shook.length).toBeGreaterThan(0);
          for (const p of shook) expect(p.report.fast).toBe(fast);
          console.log(`aria2 (fast ${fast}): our connections ended: ${seeder.stats.dropped.join('; ')}; violations: ${JSON.stringify(seeder.stats.violations)}`);
          expect(port).toBeGreaterThan(0);
          for (const f of FIXTURE_FILES.filter((x) => x.length > 0)) {
            expect(Buffer.compare(readFileSync(join(src, 'tk64', f.path)), readFileSync(join(out, 'tk64', f.path))), f.path).toBe(0);
          }
        } finally {
          await leech.stop();
          await seeder.close();
        }
      }, TEST_MS);
    }
  });
});
