#!/usr/bin/env node
// The `create-torrent` executable: Node runs dist/bin.js; Deno and Bun can run src/bin.ts directly.

import { main } from './main.ts';

const abort = new AbortController();
// First Ctrl-C cancels hashing cleanly (no output file is left behind); a second one exits at once.
// One persistent listener rather than chained `once` ones: Deno falls back to its default action
// (exit 130 on the spot) when a signal's last listener is removed, even while handling it.
// SIGTERM and SIGHUP get the same treatment: left to their default they would end the process
// wherever it is, possibly between creating the temporary .torrent and renaming or removing it.
// The exit status is 128 + the signal's number, as a shell reports a process the signal killed.
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
let interrupts = 0;
let signalStatus: number | undefined;
for (const [name, status] of Object.entries(SIGNALS)) {
  try {
    process.on(name, () => {
      signalStatus ??= status;
      if (interrupts++ === 0) abort.abort();
      else process.exit(status);
    });
  } catch {
    // Deno on Windows cannot listen for SIGTERM or SIGHUP: those keep their default action.
  }
}

// A reader that goes away (`create-torrent show x.torrent | head`) ends the run as SIGPIPE ends a C
// program: quietly, with status 128 + 13. Node ignores SIGPIPE, so this arrives as EPIPE instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    throw err;
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: abort.signal,
});
// An interrupted run exits with its signal's status; one the signal arrived too late to stop keeps its own.
process.exitCode = code === 130 && signalStatus !== undefined ? signalStatus : code;
