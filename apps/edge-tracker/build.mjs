// Bundles the app for Node (dist/cli.js for the `torrentkit-tracker` bin, dist/index.js for the
// fetch handler). Bundling takes the workspace packages from their TypeScript sources, so the bin
// runs on plain Node 20 without a separate build of each dependency.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts', 'src/index.ts', 'src/server.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  sourcemap: true,
  logLevel: 'warning',
  tsconfig: 'tsconfig.json',
});
