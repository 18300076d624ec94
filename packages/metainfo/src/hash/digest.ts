// The digests every caller uses: node:crypto where the runtime has it (Node, Deno, Bun), else a
// registered fallback: @noble/hashes, which the web entry (index.web.ts) registers for browsers and
// edge workers. No top-level await here: a graph with one cannot be require()d (Node 22+) and is
// initialised out of order by bundlers such as esbuild; and @noble/hashes is not loaded on Node,
// where it would add a fifth to the package's load time for nothing.
import { MetainfoError } from '../errors.ts';
import { nativeDigests, type Digests } from './digest-native.ts';

export type { Digests, HashStream } from './digest-native.ts';

let fallback: Digests | undefined;

/**
 * The fastest digests this runtime offers: node:crypto when present, else the registered fallback.
 * Throws `METAINFO_NO_DIGESTS` where there is neither: import the package through its `browser` or
 * `worker` export condition (bundlers for browsers and edge workers do), or `await
 * loadNobleDigests()` once first.
 */
export function defaultDigests(): Digests {
  const digests = nativeDigests() ?? fallback;
  if (digests) return digests;
  throw new MetainfoError(
    'METAINFO_NO_DIGESTS',
    'no SHA-1/SHA-256 on this runtime (no node:crypto): import @torrentkit/metainfo with the "browser" or "worker" condition, or await loadNobleDigests() first',
  );
}

/** Make `digests` the ones used where the runtime has no node:crypto. */
export function setFallbackDigests(digests: Digests): void {
  fallback = digests;
}

/**
 * The pure-JS digests (@noble/hashes), loaded on first use: for cross-checks and tests of the
 * fallback. They also become the fallback where none is registered yet.
 */
export async function loadNobleDigests(): Promise<Digests> {
  const { nobleDigests } = await import('./digest-noble.ts');
  fallback ??= nobleDigests;
  return nobleDigests;
}
