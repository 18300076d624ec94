// Bun's fetch-style server (HTTP only; `torrentkit-tracker` adds UDP on the same port). The client
// address comes from the socket: server.requestIP(request). Run: bun src/adapters/bun.ts
import { MemorySwarmStore } from '@torrentkit/tracker';
import { createEdgeTracker } from '../app.ts';
import { memoryStoreOptionsFromEnv, portFromEnv, trackerOptionsFromEnv } from '../env-options.ts';

interface BunServer { requestIP(request: Request): { address: string } | null }

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const app = createEdgeTracker({
  ...trackerOptionsFromEnv(env),
  store: new MemorySwarmStore(memoryStoreOptionsFromEnv(env)),
  storeName: 'memory',
  clientIp: (request, server) => (server as BunServer).requestIP(request)?.address,
});

export default {
  hostname: env.HOST ?? '127.0.0.1',
  port: portFromEnv(env),
  fetch: (request: Request, server: BunServer) => app.fetch(request, server),
};
