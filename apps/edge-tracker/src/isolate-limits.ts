// Limits for running the in-memory store inside a memory-limited isolate (Vercel Edge: 128 MB per
// isolate). The store's own defaults (1,000,000 swarms) are sized for a server: one client making
// new swarms could take such an isolate past its limit long before any refusal. These keep the
// worst case a client can force near 33 MB. Measured (heap + ArrayBuffers after GC, Node 20):
//   swarm with one peer          ~1.6 KB  (object, Map entry, arrays for 4 peers)
//   peer in a full swarm          ~61 B   (55 B of arrays per slot; slots double, so a swarm just
//                                          past a power of two holds up to ~110 B per peer)
//   remembered completion count   ~79 B   (swarms that emptied)
//   rate limiter client          ~110 B
// Worst case here: 2,000 swarms x 256 peers = 512,000 peers ~ 30 MB, + 0.8 MB counts + 2.2 MB clients.
import { MemorySwarmStore, type MemorySwarmStoreOptions, type TrackerOptions } from '@torrentkit/tracker';
import { memoryStoreOptionsFromEnv, trackerOptionsFromEnv, type TrackerEnv } from './env-options.ts';

/** Defaults of a memory store in an isolate; `TRACKER_MAX_SWARMS` / `TRACKER_MAX_PEERS_PER_SWARM` override them. */
export const ISOLATE_STORE_LIMITS = Object.freeze({
  maxSwarms: 2_000,
  // A power of two: swarm arrays grow by doubling, so a cap just above one would double the worst case.
  maxPeersPerSwarm: 256,
  maxRetiredCounts: 10_000,
}) satisfies MemorySwarmStoreOptions;

/** Clients the rate limiter remembers in an isolate (`TRACKER_RATE_LIMIT_CLIENTS` overrides it). */
export const ISOLATE_RATE_LIMIT_CLIENTS = 20_000;

/**
 * Tracker options from `env` for an isolate: a memory store with {@link ISOLATE_STORE_LIMITS} and a
 * rate limiter that remembers at most {@link ISOLATE_RATE_LIMIT_CLIENTS}, unless the variables say otherwise.
 */
export function isolateTrackerOptions(env: TrackerEnv): TrackerOptions & { title?: string; store: MemorySwarmStore } {
  const o = trackerOptionsFromEnv(env);
  if (o.rateLimit) o.rateLimit.maxClients ??= ISOLATE_RATE_LIMIT_CLIENTS;
  return { ...o, store: new MemorySwarmStore(memoryStoreOptionsFromEnv(env, ISOLATE_STORE_LIMITS)) };
}
