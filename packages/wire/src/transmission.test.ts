// Interop with a real Transmission 3.00 seeder (Debian transmission-daemon, driven by ../shared's
// transmission-daemon.sh): PeerSession + the TCP adapter download a multi-file torrent from it, with
// and without the fast extension. Runs only inside the loopback-only namespace (the root `pnpm test`
// provides it); skips with a message when Transmission, mktorrent or the namespace is missing.
import { decode, rawOf, type BDict } from '@torrentkit/bencode';
import { sha1 } from '@noble/hashes/legacy.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import type { Features } from './reserved.ts';
import { PeerSession } from './session.ts';
import { connect, runSession } from './tcp.ts';
import { equalBytes, pattern, stopChild as stop } from './test-helpers.ts';

const SCRIPT = resolve(import.meta.dirname, '../../../../shared/tools/interop/transmission-daemon.sh');
const HOST = '127.0.0.3'; // Transmission keys peers by IP: every peer gets its own loopback address

function skipReason(): string | undefined {
  for (const bin of ['transmission-daemon', 'transmission-remote', 'mktorrent']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status !== 0) return `${bin} is not installed`;
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const names = (links.stdout ?? '').split('\n').filter((l) => l.includes(': ')).map((l) => l.split(': ')[1]!.split('@')[0]);
  if (links.status !== 0 || names.some((n) => n !== 'lo')) return 'not inside ../shared/tools/netns-run (loopback-only namespace)';
  return undefined;
}

const skip = skipReason();
if (skip) console.warn(`Transmission interop skipped: ${skip}`);

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!!skip)('interop with Transmission', () => {
  let dir = '';
  let daemon: ChildProcess | undefined;
  let peerPort = 0;
  let infoHash: Uint8Array;
  let pieceLength = 0;
  let pieceHashes: Uint8Array;
  let content: Uint8Array;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wire-tr-'));
    const src = join(dir, 'data', 'content');
    mkdirSync(src, { recursive: true });
    const files: [string, number][] = [['a.bin', 700_001], ['b.bin', 1_200_003]];
    content = new Uint8Array(files.reduce((n, [, s]) => n + s, 0));
    let o = 0;
    for (const [name, size] of files) {
      const bytes = pattern(size, name.charCodeAt(0) * 3);
      writeFileSync(join(src, name), bytes);
      content.set(bytes, o); // mktorrent lists files sorted by name
      o += size;
    }
    const torrentPath = join(dir, 'x.torrent');
    const mk = spawnSync('mktorrent', ['-l', '15', '-a', 'http://127.0.0.1:9/announce', '-o', torrentPath, src], { encoding: 'utf8' });
    if (mk.status !== 0) throw new Error(`mktorrent failed: ${mk.stderr}`);
    const meta = decode(readFileSync(torrentPath), { spans: true }) as BDict;
    const info = meta.info as BDict;
    infoHash = sha1(rawOf(info)!);
    pieceLength = info['piece length'] as number;
    pieceHashes = info.pieces as Uint8Array;

    peerPort = await freePort();
    const rpc = `127.0.0.1:${await freePort()}`;
    daemon = spawn('bash', [SCRIPT, join(dir, 'conf'), join(dir, 'data'), String(peerPort), rpc.split(':')[1]!], {
      stdio: 'ignore', env: { ...process.env, BIND: HOST, ENC: '0', TIMEOUT: '300' },
    });
    // Wait for RPC, add the torrent over existing data, wait until it is verified and seeding.
    const remote = (...args: string[]) => spawnSync('transmission-remote', [rpc, ...args], { encoding: 'utf8' });
    for (let i = 0; i < 100 && remote('-l').status !== 0; i++) await sleep(100);
    const added = remote('-a', torrentPath, '-w', join(dir, 'data'));
    if (added.status !== 0) throw new Error(`transmission-remote -a failed: ${added.stderr}`);
    for (let i = 0; i < 200; i++) {
      if (/Percent Done: 100%/.test(remote('-t', 'all', '-i').stdout ?? '')) break;
      await sleep(100);
    }
  }, 60_000);

  afterAll(async () => {
    await stop(daemon);
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  async function download(features: Features, localAddress: string): Promise<{ data: Uint8Array; fast: boolean; client: string | undefined }> {
    const total = content.length;
    const pieceCount = pieceHashes.length / 20;
    const torrent = { pieceCount, pieceLength, totalLength: total };
    const conn = await connect({ host: HOST, port: peerPort, localAddress });
    const data = new Uint8Array(total);
    let received = 0;
    let client: string | undefined;
    const s: PeerSession = new PeerSession({
      infoHash, peerId: pattern(20, 60), torrent, pieces: new Bitfield(pieceCount), features,
      onSend: (d) => conn.write(d),
      onEvent: (e) => {
        if (e.type === 'extended-handshake') client = e.handshake.v;
        if (e.type === 'bitfield') {
          s.interested();
          for (let i = 0; i < pieceCount; i++) {
            const size = Math.min(pieceLength, total - i * pieceLength);
            for (let b = 0; b < size; b += 16384) s.request(i, b, Math.min(16384, size - b));
          }
        }
        if (e.type === 'block') {
          data.set(e.block, e.index * pieceLength + e.begin);
          received += e.block.length;
          if (received === total) s.close();
        }
        // Rejected (fast) or choked-away requests go back in the queue, as a client would do.
        if (e.type === 'request-failed' && e.reason !== 'closed') s.request(e.index, e.begin, e.length);
      },
    });
    const fast = new Promise<boolean>((r) => setTimeout(() => r(s.fast), 1000));
    await runSession(conn, s);
    expect(received).toBe(total);
    expect(s.violations).toBe(0);
    return { data, fast: await fast, client };
  }

  function verify(data: Uint8Array): void {
    for (let i = 0; i * pieceLength < data.length; i++) {
      const piece = data.subarray(i * pieceLength, Math.min(data.length, (i + 1) * pieceLength));
      expect(equalBytes(sha1(piece), pieceHashes.subarray(i * 20, i * 20 + 20))).toBe(true);
    }
    expect(equalBytes(data, content)).toBe(true);
  }

  // Transmission unchokes on its 10 s rechoke timer, so both variants run at once, from two addresses.
  it('downloads every piece from a Transmission seeder, with and without the fast extension', async () => {
    const [withFast, without] = await Promise.all([
      download({ extended: true, fast: true }, '127.0.0.1'),
      download({ extended: true }, '127.0.0.4'),
    ]);
    expect(withFast.fast).toBe(true);
    expect(withFast.client).toMatch(/Transmission/);
    verify(withFast.data);
    expect(without.fast).toBe(false);
    verify(without.data);
  }, 60_000);
});
