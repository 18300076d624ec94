#!/usr/bin/env node
// The `create-torrent` executable: Node runs dist/bin.js; Deno and Bun can run src/bin.ts directly.

import { main } from './main.ts';

const abort = new AbortController();
// First Ctrl-C cancels hashing cleanly (no output file is left behind); a second one kills at once.
process.once('SIGINT', () => {
  abort.abort();
  process.once('SIGINT', () => process.exit(130));
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: abort.signal,
});
process.exitCode = code;
