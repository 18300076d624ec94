// Interop of @torrentkit/tracker with real BitTorrent clients, on loopback inside netns-run: our
// tracker (serveTracker, in this process, port 0) is the only way the peers can find each other (DHT,
// PEX and local peer discovery are off in every client), and a small download must complete.
//   HTTP: a libtorrent seeder and an aria2 leecher announce over HTTP; scrape over HTTP.
//   UDP:  a Transmission seeder and a libtorrent leecher announce over UDP (BEP 15); scrape over UDP.
//   HTTP: the same pair over HTTP (Transmission's HTTP announces, libtorrent's as a leecher).
//   IPv6: a libtorrent seeder and leecher on [::1] (lt-ipv6.py) announce to our tracker on [::1]
//         over HTTP (peers6, BEP 7) and over UDP (18-byte peers, BEP 15).
// (aria2 announces to UDP trackers only with its DHT on, so UDP uses libtorrent and Transmission.)
// Afterwards the scrape counts must match what happened: one completed download, the right number of
// seeders and no leechers left.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '@torrentkit/bencode';
import { serveTracker, type TrackerServer } from '@torrentkit/tracker/node';
import { PYTHON, Proc, SHARED, hasCommand, hasLibtorrent, isolated, thirdPartyPort } from './wire-procs.ts';

/** Our libtorrent peer for IPv6 loopback (the shared one cannot dial from [::1]). */
const LT_IPV6 = join(import.meta.dirname, 'lt-ipv6.py');

const inNetns = isolated();
const haveLt = inNetns && hasLibtorrent();
const haveAria = inNetns && hasCommand('aria2c');
const haveTr = inNetns && hasCommand('transmission-daemon') && hasCommand('transmission-remote');
if (!inNetns) console.warn('tracker interop: skipped, not inside ../shared/tools/netns-run (only loopback allowed)');
else {
  if (!haveLt) console.warn('tracker interop: skipped, python3-libtorrent missing (apt-get install python3-libtorrent)');
  if (!haveAria) console.warn('tracker interop: HTTP test skipped, aria2c missing (apt-get install aria2)');
  if (!haveTr) console.warn('tracker interop: Transmission tests skipped, transmission-daemon missing (apt-get install transmission-daemon transmission-cli)');
}

const SIZE = 3 * 1024 * 1024 + 12_345; // a few MiB, not a whole number of pieces
let dir = '';
let payload: Uint8Array;
let tracker: TrackerServer;
const procs: Proc[] = [];

function start(cmd: string, args: string[], env?: Record<string, string>): Proc {
  const p = new Proc(cmd, args, env);
  procs.push(p);
  return p;
}

/** A torrent of a fresh copy of the payload in `<dir>/<name>/`, announcing to `announce`. */
function makeTorrent(name: string, announce: string): { data: string; torrent: string; infoHash: Uint8Array } {
  const data = join(dir, name);
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'payload.bin'), payload);
  const torrent = join(dir, `${name}.torrent`);
  const r = spawnSync(PYTHON, [join(SHARED, 'lt-peer.py'), 'create', join(data, 'payload.bin'), torrent, '--tracker', announce, '--piece-kib', '64'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lt-peer.py create failed: ${r.stderr}${r.stdout}`);
  const infoHash = Uint8Array.from(Buffer.from(JSON.parse(r.stdout.trim().split('\n').pop()!).infohash as string, 'hex'));
  return { data, torrent, infoHash };
}

interface Counts { complete: number; incomplete: number; downloaded: number }

/** BEP 48 scrape over HTTP, decoded with our bencode. */
async function scrapeHttp(infoHash: Uint8Array): Promise<Counts> {
  const q = Array.from(infoHash, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const res = await fetch(`${tracker.httpUrl.replace(/\/announce$/, '/scrape')}?info_hash=${q}`);
  const body = decode(new Uint8Array(await res.arrayBuffer())) as unknown as { files: Record<string, Counts> };
  const rows = Object.values(body.files);
  expect(rows.length).toBe(1);
  return { complete: Number(rows[0]!.complete), incomplete: Number(rows[0]!.incomplete), downloaded: Number(rows[0]!.downloaded) };
}

/** BEP 15 connect + scrape over UDP with a throwaway socket. */
async function scrapeUdp(infoHash: Uint8Array): Promise<Counts> {
  const v6 = tracker.host.includes(':');
  const sock = createSocket(v6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((r) => sock.bind(0, tracker.host, r));
    const ask = (packet: Uint8Array, tid: number): Promise<Buffer> => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sock.off('message', on); reject(new Error('UDP tracker did not answer')); }, 3000);
      const on = (msg: Buffer): void => {
        if (msg.length >= 8 && msg.readUInt32BE(4) === tid) { clearTimeout(timer); sock.off('message', on); resolve(msg); }
      };
      sock.on('message', on);
      sock.send(packet, tracker.port, tracker.host);
    });
    const connect = Buffer.alloc(16);
    connect.writeBigUInt64BE(0x41727101980n, 0);
    connect.writeUInt32BE(0, 8);
    connect.writeUInt32BE(7, 12);
    const c = await ask(connect, 7);
    expect(c.readUInt32BE(0)).toBe(0);
    const scrape = Buffer.alloc(36);
    c.copy(scrape, 0, 8, 16);
    scrape.writeUInt32BE(2, 8);
    scrape.writeUInt32BE(8, 12);
    scrape.set(infoHash, 16);
    const s = await ask(scrape, 8);
    expect(s.readUInt32BE(0)).toBe(2);
    return { complete: s.readUInt32BE(8), downloaded: s.readUInt32BE(12), incomplete: s.readUInt32BE(16) };
  } finally {
    sock.close();
  }
}

/** Polls `read` until it equals `want` (clients announce asynchronously); fails with the last value. */
async function eventually(read: () => Promise<Counts>, want: Partial<Counts>, ms: number, what: string): Promise<Counts> {
  const t0 = Date.now();
  let last: Counts | undefined;
  for (;;) {
    last = await read();
    if (Object.entries(want).every(([k, v]) => last![k as keyof Counts] === v)) return last;
    if (Date.now() - t0 > ms) throw new Error(`${what}: scrape ${JSON.stringify(last)}, expected ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function expectSamePayload(path: string): void {
  const got = readFileSync(path);
  expect(got.length).toBe(payload.length);
  expect(Buffer.compare(got, payload)).toBe(0);
}

const suite = inNetns && haveLt ? describe : describe.skip;

suite('tracker interop (real clients find each other only through our tracker)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-tracker-interop-'));
    payload = new Uint8Array(SIZE);
    randomFillSync(payload);
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
    await tracker?.close();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  (haveAria ? it : it.skip)('HTTP: a libtorrent seeder and an aria2 leecher; HTTP scrape counts the completed download', async () => {
    tracker = await serveTracker({ host: '127.0.0.1', port: 0, interval: 30, minInterval: 5 });
    const { data, torrent, infoHash } = makeTorrent('http-seed', tracker.httpUrl);
    expect(tracker.httpUrl).toMatch(/\/announce$/); // libtorrent refuses other paths on localhost

    const seed = start(PYTHON, [join(SHARED, 'lt-peer.py'), 'seed', torrent, data, '--bind', '127.0.0.2', '--port', String(thirdPartyPort()), '--enc', 'plain', '--seconds', '120']);
    await seed.waitFor(/"seeding": true/, 20_000);
    expect(await eventually(() => scrapeHttp(infoHash), { complete: 1, incomplete: 0 }, 15_000, 'seeder announced')).toEqual({ complete: 1, incomplete: 0, downloaded: 0 });

    const out = join(dir, 'http-leech');
    // aria2 seeds 6 s after completing: with --seed-time=0 it goes straight to `stopped` and never
    // announces `completed`, which no tracker counts as a download (BEP 3 counts `completed`).
    const leech = start('bash', [join(SHARED, 'aria2.sh'), 'leech', torrent, out, String(thirdPartyPort()), '--seed-time=0.1'], { BIND: '127.0.0.3', TIMEOUT: '50' });
    const during = await eventually(() => scrapeHttp(infoHash), { complete: 2, incomplete: 0, downloaded: 1 }, 45_000, 'aria2 completed')
      .catch((e: Error) => { throw new Error(`${e.message}\naria2:\n${leech.output.slice(-3000)}\nseeder:\n${seed.output.slice(-2000)}`); });
    expect(during).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });
    const code = await leech.exited;
    if (code !== 0) throw new Error(`aria2c exited ${code}\n${leech.output.slice(-3000)}`);
    expectSamePayload(join(out, 'payload.bin'));
    // aria2 announced `stopped` on its way out: the download still counts, one seeder is left
    expect(await eventually(() => scrapeHttp(infoHash), { complete: 1, incomplete: 0, downloaded: 1 }, 10_000, 'after aria2 stopped'))
      .toEqual({ complete: 1, incomplete: 0, downloaded: 1 });
  }, 90_000);

  /** Transmission seeds, libtorrent leeches; both announce over `proto`, and we scrape over it too. */
  async function transmissionToLibtorrent(proto: 'http' | 'udp'): Promise<void> {
    tracker = await serveTracker({ host: '127.0.0.1', port: 0, interval: 30, minInterval: 5 });
    const { data, torrent, infoHash } = makeTorrent(`${proto}-tr-seed`, proto === 'udp' ? tracker.udpUrl : tracker.httpUrl);
    const scrape = proto === 'udp' ? scrapeUdp : scrapeHttp;

    // Transmission listens on (and announces from) 127.0.0.1; it never dials loopback peers, but
    // the libtorrent leecher on 127.0.0.2 dials it after getting its address from us.
    const rpc = thirdPartyPort();
    const daemon = start('bash', [join(SHARED, 'transmission-daemon.sh'), join(dir, `${proto}-tr-conf`), data, String(thirdPartyPort()), String(rpc)], { ENC: '0', TIMEOUT: '120' });
    const remote = (...args: string[]) => spawnSync('transmission-remote', [`127.0.0.1:${rpc}`, ...args], { encoding: 'utf8' });
    for (const t0 = Date.now(); remote('-l').status !== 0;) {
      if (Date.now() - t0 > 20_000) throw new Error(`transmission-daemon did not start\n${daemon.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const add = remote('-a', torrent, '-w', data);
    if (add.status !== 0) throw new Error(`transmission-remote -a failed: ${add.stderr}${add.stdout}`);
    expect(await eventually(() => scrape(infoHash), { complete: 1, incomplete: 0 }, 30_000, 'Transmission announced as a seeder'))
      .toEqual({ complete: 1, incomplete: 0, downloaded: 0 });

    const out = join(dir, `${proto}-lt-leech`);
    const leech = start(PYTHON, [join(SHARED, 'lt-peer.py'), 'leech', torrent, out, '--bind', '127.0.0.2', '--port', String(thirdPartyPort()),
      '--enc', 'plain', '--timeout', '50', '--seed-after', '4']);
    // while the leecher lingers as a seeder: two seeders, one completed download
    const during = await eventually(() => scrape(infoHash), { complete: 2, incomplete: 0, downloaded: 1 }, 55_000, 'libtorrent completed')
      .catch((e: Error) => { throw new Error(`${e.message}\nleecher:\n${leech.output.slice(-3000)}\ntransmission:\n${daemon.output.slice(-1000)}`); });
    expect(during).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });
    const code = await leech.exited;
    if (code !== 0) throw new Error(`libtorrent leecher exited ${code}\n${leech.output.slice(-3000)}`);
    expect(JSON.parse(leech.output.trim().split('\n').filter((l) => l.startsWith('{')).pop()!).ok).toBe(true);
    expectSamePayload(join(out, 'payload.bin'));
  }

  (haveTr ? it : it.skip)('UDP: a Transmission seeder and a libtorrent leecher; UDP scrape counts the completed download',
    () => transmissionToLibtorrent('udp'), 90_000);

  (haveTr ? it : it.skip)('HTTP: a Transmission seeder and a libtorrent leecher; HTTP scrape counts the completed download',
    () => transmissionToLibtorrent('http'), 90_000);

  /** A libtorrent seeder and leecher on [::1]; both announce to our tracker on [::1] over `proto`. */
  async function libtorrentOverIpv6(proto: 'http' | 'udp'): Promise<void> {
    tracker = await serveTracker({ host: '::1', port: 0, interval: 30, minInterval: 5 });
    const url = proto === 'udp' ? tracker.udpUrl : tracker.httpUrl;
    expect(url).toMatch(/^(http|udp):\/\/\[::1\]:\d+\/announce$/);
    const { data, torrent, infoHash } = makeTorrent(`v6-${proto}-seed`, url);
    const scrape = proto === 'udp' ? scrapeUdp : scrapeHttp;
    const peer = (mode: string, dir: string, ...more: string[]) =>
      start(PYTHON, [LT_IPV6, mode, torrent, dir, '--port', String(thirdPartyPort()), '--tracker', url, ...more]);

    const seed = peer('seed', data, '--seconds', '90');
    await seed.waitFor(/"seeding": true/, 20_000);
    expect(await eventually(() => scrape(infoHash), { complete: 1, incomplete: 0 }, 15_000, 'seeder announced over IPv6'))
      .toEqual({ complete: 1, incomplete: 0, downloaded: 0 });

    // The leecher's only source of the seeder's address is our reply: an IPv6 peer (18 bytes).
    const out = join(dir, `v6-${proto}-leech`);
    const leech = peer('leech', out, '--seconds', '50', '--seed-after', '4');
    const during = await eventually(() => scrape(infoHash), { complete: 2, incomplete: 0, downloaded: 1 }, 55_000, 'IPv6 leecher completed')
      .catch((e: Error) => { throw new Error(`${e.message}\nleecher:\n${leech.output.slice(-3000)}\nseeder:\n${seed.output.slice(-2000)}`); });
    expect(during).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });
    const code = await leech.exited;
    if (code !== 0) throw new Error(`IPv6 leecher exited ${code}\n${leech.output.slice(-3000)}`);
    expectSamePayload(join(out, 'payload.bin'));
  }

  it('IPv6 HTTP: libtorrent peers on [::1] find each other through peers6 (BEP 7); HTTP scrape counts the download',
    () => libtorrentOverIpv6('http'), 90_000);

  it('IPv6 UDP: libtorrent peers on [::1] find each other through 18-byte peers (BEP 15); UDP scrape counts the download',
    () => libtorrentOverIpv6('udp'), 90_000);});
