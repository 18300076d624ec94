// Entry point shared by the bin and the tests: parse argv, run one command, turn any error into one
// line on stderr (or a JSON error object with --json) and an exit code.

import { parseCommandLine, type Args } from './args.ts';
import { describeError } from './errors.ts';
import { MAIN_HELP, TOPIC_HELP } from './help.ts';
import type { Io } from './io.ts';
import { printable, printableLines } from './printable.ts';
import { version } from './version.ts';

/** Runs the CLI with `argv` (arguments only) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let args: Args | undefined;
  try {
    args = parseCommandLine(argv);
    switch (args.command) {
      case 'help':
        io.stdout.write(args.topic !== undefined ? TOPIC_HELP[args.topic] ?? MAIN_HELP : MAIN_HELP);
        return 0;
      case 'version':
        io.stdout.write(`${version()}\n`);
        return 0;
      // Each command loads what it needs when it runs: `--help` or `magnet` need not load the
      // hasher, and every command starts sooner for it.
      case 'create': return await (await import('./commands/create.ts')).runCreate(args, io);
      case 'show': return await (await import('./commands/show.ts')).runShow(args, io);
      // verify prints names line by line: its human output is escaped a line at a time.
      case 'verify': return await (await import('./commands/verify.ts')).runVerify(args, args.json ? io : { ...io, stdout: printableLines(io.stdout) });
      case 'magnet': return await (await import('./commands/magnet.ts')).runMagnet(args, io);
    }
  } catch (err) {
    const e = describeError(err);
    if (args !== undefined && 'json' in args && args.json) {
      io.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
    }
    io.stderr.write(`create-torrent: ${printable(e.message)}\n`);
    return e.exitCode;
  }
}
