#!/usr/bin/env node
// The `torrentkit-tracker` command. Uses the bundled build (dist/cli.js, `pnpm run build`); Deno and
// Bun can also run src/cli.ts directly.
import { main } from '../dist/cli.js';

await main(process.argv.slice(2));
