// Interop with a real libtorrent 2.0 peer (Debian python3-libtorrent, driven by ../shared's lt-peer.py):
// PeerSession + the TCP adapter download from a libtorrent seeder (with and without the fast
// extension), fetch the metadata by ut_metadata from the info hash alone, and serve a libtorrent
// leecher. Runs only inside the loopback-only namespace (the root `pnpm test` provides it); skips
// with a message when libtorrent or the namespace is missing.
import { decode, rawOf, type BDict } from '@torrentkit/bencode';
import { sha1 } from '@noble/hashes/legacy.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import type { Features } from './reserved.ts';
import { PeerSession } from './session.ts';
import { connect, listen, runSession } from './tcp.ts';
import { equalBytes, pattern, stopChild as stop } from './test-helpers.ts';
import { decodeMetadataMessage, encodeMetadataMessage, MetadataAssembler } from './ut-metadata.ts';

const LT_PEER = resolve(import.meta.dirname, '../../../../shared/tools/interop/lt-peer.py');
const PYTHON = '/usr/bin/python3';

function skipReason(): string | undefined {
  const lt = spawnSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore' });
  if (lt.status !== 0) return 'python3-libtorrent is not installed';
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const names = (links.stdout ?? '').split('\n').filter((l) => l.includes(': ')).map((l) => l.split(': ')[1]!.split('@')[0]);
  if (links.status !== 0 || names.some((n) => n !== 'lo')) return 'not inside ../shared/tools/netns-run (loopback-only namespace)';
  return undefined;
}

const skip = skipReason();
if (skip) console.warn(`libtorrent interop skipped: ${skip}`);

interface Fixture {
  dir: string;
  torrentPath: string;
  infoHash: Uint8Array;
  info: Uint8Array;
  pieceLength: number;
  pieceHashes: Uint8Array;
  content: Uint8Array;
}

/** Runs `cmd`, resolving with the first stdout line that is JSON matching `want`. */
function startJson(args: string[], want: (o: Record<string, unknown>) => boolean): { child: ChildProcess; ready: Promise<Record<string, unknown>> } {
  const child = spawn(PYTHON, [LT_PEER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const ready = new Promise<Record<string, unknown>>((resolvePromise, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const o = JSON.parse(line) as Record<string, unknown>;
          if (want(o)) resolvePromise(o);
        } catch {
          // not JSON: ignore
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`lt-peer ${args[0]} exited with ${code}: ${err.slice(-500)}`)));
  });
  return { child, ready };
}

describe.skipIf(!!skip)('interop with libtorrent', () => {
  let fx: Fixture;
  let seeder: ChildProcess | undefined;
  let seedPort = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wire-lt-'));
    const src = join(dir, 'content');
    mkdirSync(src);
    // Odd sizes so pieces straddle files; a zero-byte file as well.
    const files: [string, number][] = [['a.bin', 1_000_003], ['b.bin', 0], ['c.bin', 2_300_001]];
    const parts: Uint8Array[] = [];
    for (const [name, size] of files.sort()) {
      const bytes = pattern(size, name.charCodeAt(0));
      writeFileSync(join(src, name), bytes);
      parts.push(bytes);
    }
    const torrentPath = join(dir, 'x.torrent');
    const created = spawnSync(PYTHON, [LT_PEER, 'create', src, torrentPath, '--tracker', 'http://127.0.0.1:9/announce', '--piece-kib', '64'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`lt-peer create failed: ${created.stderr}`);
    const meta = decode(readFileSync(torrentPath), { spans: true }) as BDict;
    const infoDict = meta.info as BDict;
    const info = rawOf(infoDict)!.slice();
    // libtorrent's v1 creator keeps directory order; our content buffer follows the info's file list.
    const order = (infoDict.files as BDict[]).map((f) => new TextDecoder().decode((f.path as Uint8Array[]).at(-1)));
    const byName = new Map(files.map(([n], i) => [n, parts[i]!]));
    const content = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const n of order) {
      const p = byName.get(n);
      if (p) {
        content.set(p, o);
        o += p.length;
      }
    }
    fx = {
      dir, torrentPath, infoHash: sha1(info), info,
      pieceLength: infoDict['piece length'] as number, pieceHashes: infoDict.pieces as Uint8Array, content,
    };
    const seed = startJson(['seed', torrentPath, dir, '--port', '0', '--bind', '127.0.0.1', '--enc', 'plain', '--seconds', '300'], (j) => j.seeding === true);
    seeder = seed.child;
    seedPort = (await seed.ready).port as number;
  }, 60_000);

  afterAll(async () => {
    await stop(seeder);
    if (fx) rmSync(fx.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  async function download(features: Features): Promise<{ data: Uint8Array; fast: boolean; reqq: number | undefined }> {
    const total = fx.content.length;
    const pieceCount = fx.pieceHashes.length / 20;
    const torrent = { pieceCount, pieceLength: fx.pieceLength, totalLength: total };
    const conn = await connect({ host: '127.0.0.1', port: seedPort });
    const data = new Uint8Array(total);
    let received = 0;
    let fast = false;
    let reqq: number | undefined;
    let closeError: Error | undefined;
    const s: PeerSession = new PeerSession({
      infoHash: fx.infoHash, peerId: pattern(20, 40), torrent, pieces: new Bitfield(pieceCount), features,
      extendedHandshake: { v: 'torrentkit-wire-test' },
      onSend: (d) => conn.write(d),
      onEvent: (e) => {
        if (e.type === 'handshake') fast = s.fast;
        if (e.type === 'extended-handshake') reqq = e.handshake.reqq;
        if (e.type === 'bitfield') {
          expect(s.peerPieces?.complete).toBe(true);
          s.interested();
          for (let i = 0; i < pieceCount; i++) {
            const size = Math.min(fx.pieceLength, total - i * fx.pieceLength);
            for (let b = 0; b < size; b += 16384) s.request(i, b, Math.min(16384, size - b));
          }
        }
        if (e.type === 'block') {
          data.set(e.block, e.index * fx.pieceLength + e.begin);
          received += e.block.length;
          if (received === total) s.close();
        }
        if (e.type === 'closed' && e.error && e.error.code !== 'WIRE_CLOSED') closeError = e.error;
      },
    });
    await runSession(conn, s);
    expect(closeError).toBeUndefined();
    expect(received).toBe(total);
    return { data, fast, reqq };
  }

  function verifyPieces(data: Uint8Array): void {
    for (let i = 0; i * fx.pieceLength < data.length; i++) {
      const piece = data.subarray(i * fx.pieceLength, Math.min(data.length, (i + 1) * fx.pieceLength));
      expect(equalBytes(sha1(piece), fx.pieceHashes.subarray(i * 20, i * 20 + 20))).toBe(true);
    }
  }

  it('downloads every piece from a libtorrent seeder with the fast extension', async () => {
    const r = await download({ extended: true, fast: true });
    expect(r.fast).toBe(true);
    expect(r.reqq).toBeGreaterThan(0);
    verifyPieces(r.data);
    expect(equalBytes(r.data, fx.content)).toBe(true);
  }, 60_000);

  it('downloads every piece without the fast extension', async () => {
    const r = await download({ extended: true });
    expect(r.fast).toBe(false);
    verifyPieces(r.data);
    expect(equalBytes(r.data, fx.content)).toBe(true);
  }, 60_000);

  it('fetches the info dictionary with ut_metadata from the info hash alone', async () => {
    const conn = await connect({ host: '127.0.0.1', port: seedPort });
    let assembler: MetadataAssembler | undefined;
    let info: Uint8Array | undefined;
    const s: PeerSession = new PeerSession({
      infoHash: fx.infoHash, peerId: pattern(20, 41), // no torrent shape: a magnet link
      onSend: (d) => conn.write(d),
      onEvent: (e) => {
        if (e.type === 'extended-handshake') {
          const size = e.handshake.metadata_size;
          expect(size).toBe(fx.info.length);
          assembler = new MetadataAssembler(size!);
          for (const piece of assembler.missing()) s.sendExtended('ut_metadata', encodeMetadataMessage({ type: 'request', piece }));
        }
        if (e.type === 'extended' && e.name === 'ut_metadata') {
          const m = decodeMetadataMessage(e.payload);
          if (m.type === 'data' && assembler?.add(m) && assembler.complete) {
            info = assembler.verify(fx.infoHash);
            s.close();
          }
        }
      },
    });
    await runSession(conn, s);
    expect(info && equalBytes(info, fx.info)).toBe(true);
  }, 60_000);

  for (const fast of [true, false]) {
    it(`serves a libtorrent leecher to completion (fast ${fast ? 'on' : 'off'})`, async () => {
      const pieceCount = fx.pieceHashes.length / 20;
      const torrent = { pieceCount, pieceLength: fx.pieceLength, totalLength: fx.content.length };
      const sessions: PeerSession[] = [];
      const violations: string[] = [];
      const server = await listen({ host: '127.0.0.1', port: 0 }, (conn) => {
        const s: PeerSession = new PeerSession({
          infoHash: fx.infoHash, peerId: pattern(20, 42), torrent, pieces: Bitfield.full(pieceCount),
          features: { extended: true, fast },
          onSend: (d) => conn.write(d),
          onEvent: (e) => {
            if (e.type === 'violation') violations.push(e.message);
            if (e.type === 'interested') s.unchoke();
            if (e.type === 'request') {
              const at = e.index * fx.pieceLength + e.begin;
              s.sendPiece(e.index, e.begin, fx.content.subarray(at, at + e.length));
            }
          },
        });
        sessions.push(s);
        void runSession(conn, s);
      });
      const out = join(fx.dir, `leech-${fast}`);
      try {
        const leech = startJson(['leech', fx.torrentPath, out, '--port', '0', '--bind', '127.0.0.2', '--enc', 'plain', '--peer', `127.0.0.1:${server.port}`, '--timeout', '60'], (j) => 'ok' in j);
        const res = await leech.ready;
        expect(res.ok).toBe(true);
        expect(sessions.some((s) => s.fast === fast)).toBe(true);
        expect(violations).toEqual([]);
      } finally {
        await server.close();
      }
    }, 90_000);
  }
});
