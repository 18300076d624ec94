import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const tracker = (p: string) => fileURLToPath(new URL(`../../packages/tracker/src/stores/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    conditions: ['source'],
    // Until @torrentkit/tracker exports these subpaths, point them at its sources (same as tsconfig paths).
    alias: {
      '@torrentkit/tracker/redis': tracker('redis-node.ts'),
      '@torrentkit/tracker/durable-object': tracker('durable.ts'),
      '@torrentkit/tracker/deno-kv': tracker('deno-kv-store.ts'),
    },
  },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
