// Command-line parsing with node:util parseArgs (Node, Deno and Bun all ship it). Everything here is
// pure: argv in, a typed request out, or a usage error that names the offending option.

import { parseArgs } from 'node:util';
import { usageError } from './errors.ts';
import { parsePieceLength } from './size.ts';

/** Which kind of torrent to build. */
export type TorrentVersion = 'v1' | 'v2' | 'hybrid';

/** Everything `create-torrent PATH ...` was asked to do. */
export interface CreateArgs {
  command: 'create';
  path: string;
  output: string | undefined;
  /** BEP 12 tiers in order; the first URL of the first tier also becomes `announce`. */
  trackers: string[][];
  webSeeds: string[];
  private: boolean;
  pieceLength: number | undefined;
  maxPieceLength: number | undefined;
  version: TorrentVersion;
  comment: string | undefined;
  source: string | undefined;
  name: string | undefined;
  exclude: string[];
  includeHidden: boolean;
  followSymlinks: boolean;
  date: boolean;
  createdBy: boolean;
  json: boolean;
  force: boolean;
  quiet: boolean;
  threads: number | undefined;
}

export interface ShowArgs { command: 'show'; torrent: string; json: boolean }
export interface VerifyArgs { command: 'verify'; torrent: string; path: string; json: boolean; quiet: boolean; threads: number | undefined }
export interface MagnetArgs { command: 'magnet'; torrent: string }
export interface InfoArgs { command: 'help' | 'version'; topic?: string | undefined }

export type Args = CreateArgs | ShowArgs | VerifyArgs | MagnetArgs | InfoArgs;

const SUBCOMMANDS = new Set(['create', 'show', 'verify', 'magnet', 'help']);

const CREATE_OPTIONS = {
  output: { type: 'string', short: 'o' },
  announce: { type: 'string', short: 'a', multiple: true },
  tier: { type: 'string', multiple: true },
  'web-seed': { type: 'string', short: 'w', multiple: true },
  private: { type: 'boolean', short: 'p' },
  'piece-length': { type: 'string', short: 'l' },
  'max-piece-length': { type: 'string' },
  v1: { type: 'boolean' },
  v2: { type: 'boolean' },
  hybrid: { type: 'boolean' },
  comment: { type: 'string', short: 'c' },
  source: { type: 'string', short: 's' },
  name: { type: 'string', short: 'n' },
  exclude: { type: 'string', multiple: true },
  'include-hidden': { type: 'boolean' },
  'follow-symlinks': { type: 'boolean' },
  'no-date': { type: 'boolean' },
  'no-created-by': { type: 'boolean' },
  json: { type: 'boolean' },
  force: { type: 'boolean', short: 'f' },
  quiet: { type: 'boolean', short: 'q' },
  threads: { type: 'string', short: 't' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parses the whole argv (without the runtime and script paths). */
export function parseCommandLine(argv: readonly string[]): Args {
  const first = argv[0];
  if (first === undefined) throw usageError('missing PATH (try --help)');
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (first === '--help' || first === '-h') return { command: 'help' };
  if (SUBCOMMANDS.has(first)) {
    const rest = argv.slice(1);
    switch (first) {
      case 'help': return { command: 'help', topic: rest[0] };
      case 'show': return parseShow(rest);
      case 'verify': return parseVerify(rest);
      case 'magnet': return parseMagnet(rest);
      default: return parseCreate(rest);
    }
  }
  return parseCreate(argv);
}

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(
  command: string, argv: readonly string[], options: T,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    // parseArgs messages are long and differ a little between runtimes; keep the first sentence.
    const text = err instanceof Error ? err.message.split('\n')[0]!.replace(/\. To specify.*$/, '') : String(err);
    throw usageError(`${command}: ${text}`);
  }
}

function parseCreate(argv: readonly string[]): Args {
  const { values: v, positionals, tokens } = parse('create', argv, CREATE_OPTIONS);
  if (v.help) return { command: 'help', topic: 'create' };
  if (v.version) return { command: 'version' };
  if (positionals.length === 0) throw usageError('missing PATH (the file or directory to make a torrent of)');
  if (positionals.length > 1) throw usageError(`expected one PATH, got ${positionals.length}: ${positionals.join(' ')}`);

  const kinds = (['v1', 'v2', 'hybrid'] as const).filter((k) => v[k]);
  if (kinds.length > 1) throw usageError(`choose one of --v1, --v2, --hybrid (got ${kinds.map((k) => `--${k}`).join(' ')})`);

  // -a and --tier keep their relative order, so walk the tokens rather than the grouped values.
  const trackers: string[][] = [];
  for (const t of tokens ?? []) {
    if (t.kind !== 'option' || (t.name !== 'announce' && t.name !== 'tier')) continue;
    const tier = trackerTier(t.value ?? '');
    if (tier.length === 0) throw usageError(`--${t.name}: empty tracker URL`);
    for (const url of tier) {
      // `new URL` would quietly percent-encode a space; in a tracker argument it is a typo.
      if (/\s/.test(url)) throw usageError(`--${t.name}: not a URL: '${url}'`);
      checkUrl(url, `--${t.name}`, TRACKER_SCHEMES);
    }
    trackers.push(tier);
  }
  const webSeeds = v['web-seed'] ?? [];
  for (const url of webSeeds) checkUrl(url, '--web-seed', ['http:', 'https:', 'ftp:']);

  const pieceLength = v['piece-length'] !== undefined ? parsePieceLength(v['piece-length'], 'piece length') : undefined;
  const maxPieceLength = v['max-piece-length'] !== undefined
    ? parsePieceLength(v['max-piece-length'], 'max piece length') : undefined;
  if (pieceLength !== undefined && maxPieceLength !== undefined && pieceLength > maxPieceLength) {
    throw usageError(`--piece-length ${v['piece-length']} is larger than --max-piece-length ${v['max-piece-length']}`);
  }
  if (v.name !== undefined && (v.name === '' || /[/\\]/.test(v.name) || v.name === '.' || v.name === '..')) {
    throw usageError(`--name '${v.name}': must be a non-empty file name without / or \\`);
  }
  for (const g of v.exclude ?? []) if (g === '') throw usageError('--exclude: empty pattern');

  return {
    command: 'create',
    path: positionals[0]!,
    output: v.output,
    trackers,
    webSeeds,
    private: v.private ?? false,
    pieceLength,
    maxPieceLength,
    version: kinds[0] ?? 'v1',
    comment: v.comment,
    source: v.source,
    name: v.name,
    exclude: v.exclude ?? [],
    includeHidden: v['include-hidden'] ?? false,
    followSymlinks: v['follow-symlinks'] ?? false,
    date: !v['no-date'],
    createdBy: !v['no-created-by'],
    json: v.json ?? false,
    force: v.force ?? false,
    quiet: v.quiet ?? false,
    threads: parseThreads(v.threads),
  };
}

function parseShow(argv: readonly string[]): Args {
  const { values: v, positionals } = parse('show', argv, {
    json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) return { command: 'help', topic: 'show' };
  if (positionals.length !== 1) throw usageError('show: expected one FILE.torrent');
  return { command: 'show', torrent: positionals[0]!, json: v.json ?? false };
}

function parseVerify(argv: readonly string[]): Args {
  const { values: v, positionals } = parse('verify', argv, {
    json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    threads: { type: 'string', short: 't' }, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) return { command: 'help', topic: 'verify' };
  if (positionals.length !== 2) throw usageError('verify: expected FILE.torrent and PATH');
  return {
    command: 'verify', torrent: positionals[0]!, path: positionals[1]!,
    json: v.json ?? false, quiet: v.quiet ?? false, threads: parseThreads(v.threads),
  };
}

function parseMagnet(argv: readonly string[]): Args {
  const { values: v, positionals } = parse('magnet', argv, { help: { type: 'boolean', short: 'h' } });
  if (v.help) return { command: 'help', topic: 'magnet' };
  if (positionals.length !== 1) throw usageError('magnet: expected one FILE.torrent');
  return { command: 'magnet', torrent: positionals[0]! };
}

function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 256) throw usageError(`--threads '${text}': expected a whole number from 1 to 256`);
  return n;
}

const TRACKER_SCHEMES = ['http:', 'https:', 'udp:', 'wss:', 'ws:'] as const;

/**
 * The trackers of one `-a` argument. Commas separate trackers only when every part is a tracker URL
 * on its own; a comma is also legal inside a URL (`?key=1,2`), and then the argument is one URL.
 */
export function trackerTier(arg: string): string[] {
  const parts = arg.split(',').map((u) => u.trim()).filter((u) => u !== '');
  if (parts.length <= 1 || parts.every(isTrackerUrl)) return parts;
  return [arg.trim()];
}

function isTrackerUrl(url: string): boolean {
  try {
    return (TRACKER_SCHEMES as readonly string[]).includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function checkUrl(url: string, option: string, protocols: readonly string[]): void {
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw usageError(`${option}: not a URL: '${url}'`); }
  if (!protocols.includes(parsed.protocol)) {
    throw usageError(`${option}: unsupported scheme in '${url}' (expected ${protocols.map((p) => p.slice(0, -1)).join(', ')})`);
  }
}
