// The digests every caller uses: node:crypto where the runtime has it, @noble/hashes elsewhere.
// @noble/hashes is imported only where node:crypto is missing, or on request: on Node it would be
// a fifth of this package's load time for nothing.
import { nativeDigests, type Digests } from './digest-native.ts';

export type { Digests, HashStream } from './digest-native.ts';

const fallback: Digests | undefined = nativeDigests() ? undefined : (await import('./digest-noble.ts')).nobleDigests;

/** The fastest digests this runtime offers: node:crypto when present, else @noble/hashes. */
export function defaultDigests(): Digests {
  return nativeDigests() ?? fallback!;
}

/** The pure-JS digests (@noble/hashes), loaded on first use: for cross-checks and tests of the fallback. */
export async function loadNobleDigests(): Promise<Digests> {
  return (await import('./digest-noble.ts')).nobleDigests;
}
