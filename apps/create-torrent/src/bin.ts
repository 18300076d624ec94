#!/usr/bin/env node
// The `create-torrent` executable: Node runs dist/bin.js; Deno and Bun can run src/bin.ts directly.

import { main } from './main.ts';

const abort = new AbortController();
// First Ctrl-C cancels hashing cleanly (no output file is left behind); a second one exits at once.
// One persistent listener rather than chained `once` ones: Deno falls back to its default action
// (exit 130 on the spot) when a signal's last listener is removed, even while handling it.
let interrupts = 0;
process.on('SIGINT', () => {
  if (interrupts++ === 0) abort.abort();
  else process.exit(130);
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: abort.signal,
});
process.exitCode = code;
