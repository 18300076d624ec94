#!/usr/bin/env bun
// `pnpm demo`: runs a small BitTorrent swarm on 127.0.0.1 (see ../README.md). Exit code 0 when every
// leecher got every byte, 1 with a message otherwise, 2 for bad arguments.
import { parseArgs } from 'node:util';
import { runDemo, type DemoOptions } from './demo.ts';

const HELP = `Usage: pnpm demo [options]

Runs a BitTorrent swarm on 127.0.0.1 built only of torrentkit packages: our tracker, one seeder and
N leechers that find each other through the tracker, download and verify every piece, then seed.

Options:
  --leechers N     leechers to start (default 2)
  --size MiB       size of the generated sample content (default 24)
  --content PATH   share this file or directory instead of generating content
  --dir PATH       work directory for content, downloads and the .torrent (default: a temp dir)
  --port N         tracker port (default 0: any free port)
  --timeout S      give up after S seconds (default 120)
  --keep           keep the files afterwards (their location is printed)
  --help           show this help
`;

function fail(message: string, code: number): never {
  console.error(`demo: ${message}`);
  process.exit(code);
}

function number(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < 0) fail(`--${flag} needs a ${integer ? 'whole ' : ''}number, got "${value}"`, 2);
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      leechers: { type: 'string' },
      size: { type: 'string' },
      content: { type: 'string' },
      dir: { type: 'string' },
      port: { type: 'string' },
      timeout: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(`${(err as Error).message}\n\n${HELP}`, 2);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const options: DemoOptions = { keep: values.keep === true };
const leechers = number('leechers', values.leechers, true);
if (leechers !== undefined) options.leechers = leechers;
const size = number('size', values.size, false);
if (size !== undefined) options.sizeMiB = size;
const port = number('port', values.port, true);
if (port !== undefined) {
  if (port > 65535) fail('--port must be at most 65535', 2);
  options.port = port;
}
const timeout = number('timeout', values.timeout, false);
if (timeout !== undefined) options.timeoutMs = timeout * 1000;
if (values.content !== undefined) options.content = values.content;
if (values.dir !== undefined) options.dir = values.dir;

try {
  await runDemo(options);
  process.exit(0);
} catch (err) {
  fail(`failed: ${(err as Error).message}`, 1);
}
