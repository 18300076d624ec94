// Interop with a real aria2 1.36 leecher (Debian aria2, driven by ../shared's aria2.sh): our seeder,
// PeerSession over the TCP adapter, serves a whole download over ONE connection. aria2 announces its
// piece set again while it downloads (bitfield / have all); the session must take that as a
// replacement, not as violations that end the connection. Runs only inside the loopback-only
// namespace (the root `pnpm test` provides it); skips with a message when aria2 or the namespace is missing.
import { decode, rawOf, type BDict } from '@torrentkit/bencode';
import { sha1 } from '@noble/hashes/legacy.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { WireParser } from './parser.ts';
import { PeerSession } from './session.ts';
import { connect, runSession, type TcpConnection } from './tcp.ts';
import { equalBytes, pattern } from './test-helpers.ts';

const SHARED = resolve(import.meta.dirname, '../../../../shared/tools/interop');
const PYTHON = '/usr/bin/python3';
const ARIA_BIND = '127.0.0.7';

function skipReason(): string | undefined {
  if (spawnSync('aria2c', ['--version'], { stdio: 'ignore' }).status !== 0) return 'aria2c is not installed';
  if (spawnSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore' }).status !== 0) return 'python3-libtorrent (used to create the torrent) is not installed';
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const names = (links.stdout ?? '').split('\n').filter((l) => l.includes(': ')).map((l) => l.split(': ')[1]!.split('@')[0]);
  if (links.status !== 0 || names.some((n) => n !== 'lo')) return 'not inside ../shared/tools/netns-run (loopback-only namespace)';
  return undefined;
}

const skip = skipReason();
if (skip) console.warn(`aria2 interop skipped: ${skip}`);

/** A port free on `host` right now (aria2 needs a fixed listen port; the namespace is ours alone). */
function freePort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => done(port));
    });
  });
}

describe.skipIf(!!skip)('interop with an aria2 leecher', () => {
  let dir = '';
  let torrentPath = '';
  let infoHash: Uint8Array;
  let pieceLength = 0;
  const content = pattern(3_000_017, 5);
  let aria: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wire-aria2-'));
    mkdirSync(join(dir, 'seed'));
    writeFileSync(join(dir, 'seed', 'data.bin'), content);
    torrentPath = join(dir, 'x.torrent');
    const created = spawnSync(PYTHON, [join(SHARED, 'lt-peer.py'), 'create', join(dir, 'seed', 'data.bin'), torrentPath, '--tracker', 'http://127.0.0.1:9/announce', '--piece-kib', '32'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`lt-peer create failed: ${created.stderr}`);
    const info = (decode(readFileSync(torrentPath), { spans: true }) as BDict).info as BDict;
    infoHash = sha1(rawOf(info)!);
    pieceLength = info['piece length'] as number;
  }, 60_000);

  afterAll(() => {
    if (aria && aria.exitCode === null && aria.signalCode === null) aria.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  for (const fast of [true, false]) {
    it(`serves a whole download over one connection despite repeated piece sets (fast ${fast ? 'on' : 'off'})`, async () => {
      const pieceCount = Math.ceil(content.length / pieceLength);
      const torrent = { pieceCount, pieceLength, totalLength: content.length };
      const port = await freePort(ARIA_BIND);
      const out = join(dir, `leech-${fast}`);
      let log = '';
      aria = spawn('bash', [join(SHARED, 'aria2.sh'), 'leech', torrentPath, out, String(port)], {
        env: { ...process.env, BIND: ARIA_BIND, TIMEOUT: '60' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      aria.stdout!.on('data', (d) => (log += d));
      aria.stderr!.on('data', (d) => (log += d));
      const exited = new Promise<number | null>((done) => aria!.once('exit', (code) => done(code)));
      // aria2 knows no peers (no tracker, no DHT): we dial it, retrying until it listens (bounded).
      let conn: TcpConnection | undefined;
      for (let i = 0; i < 100 && !conn && aria.exitCode === null; i++) {
        conn = await connect({ host: ARIA_BIND, port }).catch(() => undefined);
        if (!conn) await new Promise((r) => setTimeout(r, 100));
      }
      expect(conn, log).toBeDefined();
      const violations: string[] = [];
      let closeError: string | undefined;
      let pieceSets = 0;
      const spy = new WireParser({ pieceCount });
      const s: PeerSession = new PeerSession({
        infoHash, peerId: pattern(20, 43), torrent, pieces: Bitfield.full(pieceCount), features: { extended: true, fast },
        maxViolations: 0, // any violation ends the connection: a repeated piece set must not be one
        onSend: (d) => conn!.write(d),
        onEvent: (e) => {
          if (e.type === 'violation') violations.push(e.message);
          if (e.type === 'interested') s.unchoke();
          if (e.type === 'request') {
            const at = e.index * pieceLength + e.begin;
            s.sendPiece(e.index, e.begin, content.subarray(at, at + e.length));
          }
          if (e.type === 'closed' && e.error && e.error.code !== 'WIRE_CLOSED') closeError = `${e.error.code}: ${e.error.message}`;
        },
      });
      // Count every piece-set message aria2 sends, identical repeats included (they emit no event).
      const receive = s.receive.bind(s);
      s.receive = (chunk, now) => {
        try {
          spy.push(chunk, (m) => {
            if (m.type === 'bitfield' || m.type === 'have-all' || m.type === 'have-none') pieceSets++;
          });
        } catch {
          // the session reports parse errors itself
        }
        receive(chunk, now);
      };
      const run = runSession(conn!, s, { tickInterval: 250 });
      const code = await exited;
      await run;
      console.log(`aria2 leecher (fast ${fast}): ${pieceSets} piece-set messages on one connection, ${s.violations} violations`);
      expect(code, log.slice(-1500)).toBe(0);
      expect(pieceSets, 'aria2 1.36 repeats its piece set during a download').toBeGreaterThan(1);
      expect(closeError).toBeUndefined();
      expect(violations).toEqual([]);
      expect(s.fast).toBe(fast);
      expect(equalBytes(readFileSync(join(out, 'data.bin')), content)).toBe(true);
    }, 90_000);
  }
});
