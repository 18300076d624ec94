// @torrentkit/metainfo for runtimes without node:crypto (browsers, edge workers), chosen by the
// `browser` and `worker` export conditions: the same API, with @noble/hashes loaded up front as the
// SHA-1/SHA-256 fallback, since parsing (info hashes) must hash synchronously. Where node:crypto
// exists after all, it is still preferred.
import { nobleDigests } from './hash/digest-noble.ts';
import { setFallbackDigests } from './hash/digest.ts';

setFallbackDigests(nobleDigests);

export * from './index.ts';
