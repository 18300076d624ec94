// @torrentkit/tracker: BitTorrent tracker codecs, server core and announce client. Runtime-neutral;
// the node:http/node:dgram server and the undici agent live in the `./node` subpath.
export { TrackerError } from './errors.ts';
export type { AnnounceEvent, ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from './store.ts';
export { MemorySwarmStore, type MemorySwarmStoreOptions } from './stores/memory.ts';
