// @torrentkit/tracker: BitTorrent tracker codecs, server core and announce client. Runtime-neutral;
// the node:http/node:dgram server and the undici agent live in the `./node` subpath.
export { TrackerError } from './errors.ts';
export type { AnnounceEvent, ScrapeEntry, StoreAnnounce, StoreAnnounceResult, StoreStats, SwarmStore } from './store.ts';
export { MemorySwarmStore, type MemorySwarmStoreOptions } from './stores/memory.ts';
export { createTracker, type RawHttpReply, type Tracker, type TrackerCounters, type TrackerOptions } from './server.ts';
export type { InfoHashLike, InfoHashList, PasskeyCheck, RateLimitOptions } from './policy.ts';
export { formatIp, parseIp } from './ip.ts';
export { clientIpBehindProxies, normalizeIpText, trustedProxySet, type TrustedProxies } from './forwarded-for.ts';
export { parseQuery, percentDecode, percentEncode, type QueryParam, type QueryLimits } from './http/query.ts';
export { parseAnnounceQuery, parseScrapeParams, type AnnounceRequest } from './http/announce-request.ts';
export {
  encodeAnnounceReply, encodeAnnounceReplyDicts, encodeFailure, encodeScrapeReply, type AnnounceReply, type ScrapeRow,
} from './http/reply.ts';
export * as udp from './udp/packets.ts';
export { ConnectionIds } from './udp/connection-id.ts';
export { AnnounceClient, type AnnounceClientOptions } from './client/client.ts';
export { AnnounceTiers } from './client/tiers.ts';
export { UdpTrackerClient, parseUdpUrl, type UdpRetryOptions, type UdpTransport } from './client/udp-client.ts';
export { httpAnnounce, httpScrape, type FetchLike } from './client/http-client.ts';
export { announceUrl, scrapeUrl, type AnnounceParams } from './client/params.ts';
export {
  parseAnnounceResponse, parseCompactPeers, parseScrapeResponse, type AnnounceResult, type PeerAddress, type ScrapeResult,
} from './client/announce-response.ts';
