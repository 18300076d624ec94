// `torrentkit-tracker`: run the tracker (HTTP + UDP on one port) from the command line.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatIp, parseIp, type SwarmStore, type TrackerOptions } from '@torrentkit/tracker';
import { parseTrustedProxies } from './client-ip.ts';
import { digitsInRange, HEX_HASH, isHexHash, isPasskey, PASSKEY } from './env-options.ts';
import { startTrackerServer, type RunningTracker } from './server.ts';

const HELP = `Usage: torrentkit-tracker [options]

Runs a BitTorrent tracker: HTTP announce/scrape and UDP (BEP 15) on the same port,
with a live /stats page, /stats.json and /metrics (Prometheus).

Options:
  --host ADDR          address to listen on (default 127.0.0.1)
  --port N             port for HTTP and UDP (default 8000; 0 = any free port)
  --store URL          memory (default) or redis://[user:pass@]host:port[/db]
  --prefix TEXT        key prefix in Redis (default tk:)
  --interval SECONDS   announce interval sent to clients (default 1800)
  --min-interval SECS  min interval (default interval / 2)
  --numwant-max N      most peers per reply (default 200)
  --allow FILE         only track the info hashes in FILE (40 hex chars per line, # comments)
  --deny FILE          refuse the info hashes in FILE
  --private FILE       private mode: passkeys in FILE (one per line); announce at /announce/<passkey>
  --rate-limit N       requests per second per client address
  --trust-proxy LIST   comma-separated proxy addresses whose X-Forwarded-For is believed
  --no-udp             serve HTTP only
  --title TEXT         title of the /stats page
  -h, --help           show this help
`;

/** Parsed command line. */
export interface CliConfig {
  host: string;
  port: number;
  store: string;
  prefix: string;
  udp: boolean;
  trustedProxies: string[];
  title: string | undefined;
  tracker: TrackerOptions;
}

/** Entries of a list file (one per line, `#` comments), each checked by `valid`; errors name file and line. */
function linesOf(flag: string, file: string, what: string, valid: (entry: string) => boolean): string[] {
  const out: string[] = [];
  readFileSync(file, 'utf8').split(/\r?\n/).forEach((raw, i) => {
    const entry = raw.replace(/#.*/, '').trim();
    if (!entry) return;
    if (!valid(entry)) throw new Error(`--${flag} ${file} line ${i + 1}: not ${what}: ${JSON.stringify(entry)}`);
    out.push(entry);
  });
  return out;
}

function num(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  // '' is refused, not read as 0: `--port "$UNSET"` would pick a random port.
  const n = digitsInRange(v, min, max);
  if (Number.isNaN(n)) throw new Error(`--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * `--trust-proxy`: addresses only (a name, a CIDR range or a port would never match a peer and be
 * ignored silently), in the canonical text a socket reports, so `0:0:0:0:0:0:0:1` matches `::1`.
 */
function proxies(text: string | undefined): string[] {
  return parseTrustedProxies(text).map((p) => {
    // A link-local proxy keeps its zone (`fe80::1%eth0`), as the socket reports it.
    const [address = '', zone] = p.replace(/^\[(.*)\]$/, '$1').split('%', 2);
    const ip = parseIp(address);
    if (!ip || zone === '') throw new Error(`--trust-proxy takes IP addresses, got ${JSON.stringify(p)}`);
    return formatIp(ip) + (zone === undefined ? '' : `%${zone}`);
  });
}

/** Parses argv (without node and script). Throws an Error with a message for the user. */
export function parseCli(argv: string[]): CliConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: 'string' }, port: { type: 'string' }, store: { type: 'string' }, prefix: { type: 'string' },
      interval: { type: 'string' }, 'min-interval': { type: 'string' }, 'numwant-max': { type: 'string' },
      allow: { type: 'string' }, deny: { type: 'string' }, private: { type: 'string' },
      'rate-limit': { type: 'string' }, 'trust-proxy': { type: 'string' }, 'no-udp': { type: 'boolean' },
      title: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const tracker: TrackerOptions = {};
  const interval = num('interval', values.interval, 1, 86_400);
  if (interval) tracker.interval = interval;
  const minInterval = num('min-interval', values['min-interval'], 1, 86_400);
  if (minInterval) {
    if (minInterval > (interval ?? 1800)) throw new Error(`--min-interval ${minInterval} is longer than the interval (${interval ?? 1800})`);
    tracker.minInterval = minInterval;
  }
  const numwant = num('numwant-max', values['numwant-max'], 1, 10_000);
  if (numwant) tracker.numwantMax = numwant;
  const rate = num('rate-limit', values['rate-limit'], 1, 1_000_000);
  if (rate) tracker.rateLimit = { perSecond: rate };
  if (values.allow) {
    // An empty allow list would refuse every torrent without a word.
    const hashes = linesOf('allow', values.allow, HEX_HASH, isHexHash);
    if (hashes.length === 0) throw new Error(`--allow ${values.allow}: no info hashes in the file`);
    tracker.allowList = hashes;
  }
  if (values.deny) tracker.denyList = linesOf('deny', values.deny, HEX_HASH, isHexHash);
  if (values.private) {
    const keys = linesOf('private', values.private, PASSKEY, isPasskey);
    if (keys.length === 0) throw new Error(`--private ${values.private}: no passkeys in the file`);
    tracker.passkeys = keys;
  }
  const store = values.store ?? 'memory';
  if (store !== 'memory' && !store.startsWith('redis://')) throw new Error(`--store must be memory or redis://..., got ${store}`);
  if (store !== 'memory' && !URL.canParse(store)) throw new Error(`--store ${store} is not a valid URL (redis://[user:pass@]host:port[/db])`);
  return {
    host: values.host ?? '127.0.0.1',
    port: num('port', values.port, 0, 65535) ?? 8000,
    store,
    prefix: values.prefix ?? 'tk:',
    udp: !values['no-udp'],
    trustedProxies: proxies(values['trust-proxy']),
    title: values.title,
    tracker,
  };
}

/** Starts a tracker from a parsed command line. */
export async function runCli(config: CliConfig): Promise<RunningTracker> {
  let store: SwarmStore | undefined;
  if (config.store.startsWith('redis://')) {
    const { createRedisSwarmStore } = await import('@torrentkit/tracker/redis');
    store = createRedisSwarmStore(config.store, { prefix: config.prefix });
  }
  try {
    await store?.stats(); // fail now, not on the first announce, when Redis is unreachable
    return await startTrackerServer({
      ...config.tracker,
      ...(store ? { store, storeName: 'redis' } : { storeName: 'memory' }),
      host: config.host,
      port: config.port,
      udp: config.udp,
      trustedProxies: config.trustedProxies,
      ...(config.title ? { title: config.title } : {}),
    });
  } catch (err) {
    // An open Redis connection would keep the process alive after the error (port in use).
    await store?.close().catch(() => {});
    throw err;
  }
}

/** Writes to stdout; a reader that went away (`--help | head -1`) is no reason to fail. */
function print(text: string): void {
  try {
    process.stdout.write(text);
  } catch { /* Deno throws EPIPE from write() itself */ }
}

/** The bin's entry: parse, start, print where it listens, stop cleanly on SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  // Nobody reading the output (a closed pipe) must neither stop the tracker nor print a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: Error & { code?: string }) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  let config: CliConfig | 'help';
  try {
    config = parseCli(argv);
  } catch (e) {
    console.error(`torrentkit-tracker: ${(e as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (config === 'help') {
    print(HELP);
    return;
  }
  let running: RunningTracker;
  try {
    running = await runCli(config);
  } catch (e) {
    const err = e as Error & { cause?: Error };
    console.error(`torrentkit-tracker: ${err.message}${err.cause ? ` (${err.cause.message})` : ''}`);
    process.exitCode = 1;
    return;
  }
  const { server, origin } = running;
  console.log(`torrentkit tracker listening (store: ${config.store === 'memory' ? 'memory' : 'redis'})`);
  console.log(`  announce  ${server.httpUrl}`);
  if (server.udp) console.log(`  announce  ${server.udpUrl}`);
  console.log(`  stats     ${origin}/stats`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// `deno run -A src/cli.ts` / `bun src/cli.ts`: run as the command when this file is the entry
// (Node runs the bundled bin, which imports this module and calls main itself).
if ((import.meta as { main?: boolean }).main) await main(process.argv.slice(2));
