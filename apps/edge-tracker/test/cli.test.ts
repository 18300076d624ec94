// The torrentkit-tracker command: flags, and real processes sharing swarms through one Redis.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, runCli } from '../src/cli.ts';
import { startTestRedis, uniquePrefix, type TestRedis } from '../../../packages/tracker/src/stores/redis-test-server.ts';
import { announceUrl, bdecode, compactPeers, id20 } from './announce-helpers.ts';
import { ensureBuilt, startTrackerProcess, type TrackerProcess } from './processes.ts';
import { appDir } from './workerd.ts';
import { udpAnnounce } from './udp-helpers.ts';

// A real redis-server: REDIS_URL from the test runner, or one started here.
const redis: TestRedis | { skip: string } = await startTestRedis();
if ('skip' in redis) console.warn(`skipping two-process Redis test: ${redis.skip}`);
// At file level: an afterAll inside the Redis describe does not run when a -t filter skips it.
afterAll(async () => {
  if ('stop' in redis) await redis.stop();
});

describe('parseCli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to 127.0.0.1:8000 with the memory store and UDP', () => {
    expect(parseCli([])).toMatchObject({ host: '127.0.0.1', port: 8000, store: 'memory', udp: true, trustedProxies: [] });
  });

  it('reads --host, --port, --store, --interval, --no-udp, --trust-proxy', () => {
    const c = parseCli(['--host', '::1', '--port', '0', '--store', 'redis://127.0.0.1:6400/2', '--interval', '600', '--no-udp', '--trust-proxy', '10.0.0.1']);
    expect(c).toMatchObject({ host: '::1', port: 0, store: 'redis://127.0.0.1:6400/2', udp: false, trustedProxies: ['10.0.0.1'], tracker: { interval: 600 } });
  });

  it('reads --allow and --private files (one entry per line, # comments)', () => {
    writeFileSync(join(dir, 'allow'), `# torrents we host\n${'ab'.repeat(20)}\n\n${'cd'.repeat(20)}  # second\n`);
    writeFileSync(join(dir, 'keys'), 'alice-key\nbob-key\n');
    const c = parseCli(['--allow', join(dir, 'allow'), '--private', join(dir, 'keys')]);
    expect(c).not.toBe('help');
    if (c === 'help') return;
    expect(c.tracker.allowList).toEqual(['ab'.repeat(20), 'cd'.repeat(20)]);
    expect(c.tracker.passkeys).toEqual(['alice-key', 'bob-key']);
  });

  it('rejects bad values with a message', () => {
    expect(() => parseCli(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseCli(['--store', 'mysql://x'])).toThrow(/--store/);
    expect(() => parseCli(['--bogus'])).toThrow();
    expect(parseCli(['--help'])).toBe('help');
  });

  it('names --store when its URL does not parse (exit status 2, not a bare "Invalid URL")', () => {
    for (const v of ['redis://127.0.0.1:99999', 'redis://[::1']) expect(() => parseCli(['--store', v]), v).toThrow(/--store .* is not a valid URL/);
    expect(parseCli(['--store', 'redis://u:p@[::1]:6380/3'])).toMatchObject({ store: 'redis://u:p@[::1]:6380/3' });
  });

  it('takes plain digits only (an unset "$PORT" is not port 0)', () => {
    for (const v of ['', ' ', '0x1f40', '8e3', '80.0']) expect(() => parseCli(['--port', v]), v).toThrow(/--port must be an integer/);
    expect(() => parseCli(['--interval', '1e3'])).toThrow(/--interval/);
    expect(parseCli(['--port', '08000'])).toMatchObject({ port: 8000 });
  });

  it('refuses a --min-interval longer than the interval', () => {
    expect(() => parseCli(['--interval', '600', '--min-interval', '900'])).toThrow(/--min-interval 900 is longer than the interval \(600\)/);
    expect(() => parseCli(['--min-interval', '3600'])).toThrow(/--min-interval/);
    expect(parseCli(['--interval', '600', '--min-interval', '600'])).toMatchObject({ tracker: { interval: 600, minInterval: 600 } });
  });

  it('names the file and line of an entry the tracker could never match (exit status 2, not 1 at start)', () => {
    writeFileSync(join(dir, 'bad-allow'), `${'ab'.repeat(20)}\n# ok\n${'ab'.repeat(19)}\n`);
    expect(() => parseCli(['--allow', join(dir, 'bad-allow')])).toThrow(/--allow .*bad-allow line 3: not an info hash \(40 hex chars\): "a{1}b/);
    expect(() => parseCli(['--deny', join(dir, 'bad-allow')])).toThrow(/--deny .*bad-allow line 3/);
    writeFileSync(join(dir, 'long-key'), `short\n${'k'.repeat(129)}\n`);
    expect(() => parseCli(['--private', join(dir, 'long-key')])).toThrow(/--private .*long-key line 2: not a passkey \(at most 128 chars\)/);
    writeFileSync(join(dir, 'odd-keys'), `with space\nslash/key\n${'k'.repeat(128)}\n`);
    expect(parseCli(['--private', join(dir, 'odd-keys')])).toMatchObject({ tracker: { passkeys: ['with space', 'slash/key', 'k'.repeat(128)] } });
  });

  it('refuses an --allow file without info hashes (it would refuse every torrent)', () => {
    writeFileSync(join(dir, 'empty-allow'), '# nothing yet\n\n');
    expect(() => parseCli(['--allow', join(dir, 'empty-allow')])).toThrow(/--allow .*no info hashes/);
  });

  it('refuses --trust-proxy entries that are not addresses and writes the rest as sockets report them', () => {
    for (const v of ['proxy.local', '10.0.0.0/8', '10.0.0.1:8080', '10.0.0.1,nope']) {
      expect(() => parseCli(['--trust-proxy', v]), v).toThrow(/--trust-proxy takes IP addresses/);
    }
    expect(parseCli(['--trust-proxy', '10.0.0.1, 0:0:0:0:0:0:0:1,[2001:DB8::7],::ffff:192.0.2.1,fe80::1%eth0'])).toMatchObject({
      trustedProxies: ['10.0.0.1', '::1', '2001:db8::7', '192.0.2.1', 'fe80::1%eth0'],
    });
    expect(() => parseCli(['--trust-proxy', 'fe80::1%'])).toThrow(/--trust-proxy/);
  });

  it('trusts X-Forwarded-For from a proxy given in long IPv6 form', async () => {
    const c = parseCli(['--host', '::1', '--port', '0', '--no-udp', '--trust-proxy', '0:0:0:0:0:0:0:1']);
    if (c === 'help') throw new Error('unexpected help');
    const t = await runCli(c);
    try {
      const ih = id20(0x44, 1);
      const behindProxy = { headers: { 'x-forwarded-for': '198.51.100.9' } };
      await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 1, port: 6001 }), behindProxy)).arrayBuffer();
      const r = bdecode(await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 2, port: 6002 }), behindProxy)).arrayBuffer());
      expect(compactPeers(r.peers)).toEqual(['198.51.100.9:6001']);
    } finally {
      await t.close();
    }
  });
});

describe('torrentkit-tracker processes', () => {
  beforeAll(() => ensureBuilt());

  it('starts with the memory store and answers HTTP and UDP on its port', async () => {
    const t = await startTrackerProcess([]);
    try {
      expect(t.output()).toContain('store: memory');
      const ih = id20(0x41, 1);
      await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 1, port: 7101 }))).arrayBuffer();
      const u = await udpAnnounce(t.port, { infoHash: ih, peerId: id20(0xbb, 2), peerPort: 7102, left: 10n });
      expect(u.peers).toEqual(['127.0.0.1:7101']);
    } finally {
      await t.stop();
    }
  }, 60_000);

  it('enforces --private passkeys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-cli-'));
    writeFileSync(join(dir, 'keys'), 'sesame\n');
    const t = await startTrackerProcess(['--private', join(dir, 'keys')]);
    try {
      const ih = id20(0x42, 1);
      const open = bdecode(await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 1 }))).arrayBuffer());
      expect(open['failure reason']).toBeDefined();
      const ok = bdecode(await (await fetch(announceUrl(t.origin, { infoHash: ih, peer: 1, path: '/announce/sesame' }))).arrayBuffer());
      expect(ok).toMatchObject({ incomplete: 1 });
    } finally {
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  describe.skipIf('skip' in redis)('two processes on one Redis', () => {

    it('see each other\'s peers (HTTP on one, UDP on the other)', async () => {
      if ('skip' in redis) return;
      const prefix = uniquePrefix();
      const a = await startTrackerProcess(['--store', redis.url, '--prefix', prefix]);
      const b = await startTrackerProcess(['--store', redis.url, '--prefix', prefix]);
      try {
        expect(a.port).not.toBe(b.port);
        expect(a.output()).toContain('store: redis');
        const ih = id20(0x43, 1);
        await (await fetch(announceUrl(a.origin, { infoHash: ih, peer: 1, port: 7201, left: 0 }))).arrayBuffer();
        const fromB = bdecode(await (await fetch(announceUrl(b.origin, { infoHash: ih, peer: 2, port: 7202 }))).arrayBuffer());
        expect(fromB).toMatchObject({ complete: 1, incomplete: 1 });
        expect(compactPeers(fromB.peers)).toEqual(['127.0.0.1:7201']);
        const u = await udpAnnounce(a.port, { infoHash: ih, peerId: id20(0xbb, 3), peerPort: 7203, left: 5n });
        expect(u).toMatchObject({ seeders: 1, leechers: 2 });
        expect(u.peers).toEqual(['127.0.0.1:7201', '127.0.0.1:7202']);
        const stats = await (await fetch(`${b.origin}/stats.json`)).json();
        expect(stats).toMatchObject({ store: 'redis', swarms: 1, seeders: 1, leechers: 2 });
      } finally {
        await a.stop();
        await b.stop();
      }
    }, 60_000);

    it('exits (instead of hanging on its Redis connection) when the port is taken', async () => {
      if ('skip' in redis) return;
      const holder = createServer();
      await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
      const port = (holder.address() as { port: number }).port;
      const child = spawn('node', [join(appDir, 'bin/torrentkit-tracker.js'), '--host', '127.0.0.1', '--port', String(port), '--store', redis.url], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        let err = '';
        child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
        const code = await new Promise<number | null>((r) => child.on('close', r));
        expect(err).toMatch(/EADDRINUSE/);
        expect(code).toBe(1);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        holder.close();
      }
    }, 60_000);
  });

  it('exits with a message when Redis is unreachable', async () => {
    await expect(startTrackerProcess(['--store', 'redis://127.0.0.1:1'])).rejects.toThrow(/cannot connect to Redis/);
  }, 60_000);
});
