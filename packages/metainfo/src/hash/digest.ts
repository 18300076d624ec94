// The digests every caller uses: node:crypto where the runtime has it, @noble/hashes elsewhere.
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { nativeDigests, type Digests } from './digest-native.ts';

export type { Digests, HashStream } from './digest-native.ts';

/** Pure-JS digests; used where no native implementation exists, and to cross-check the native one. */
export const nobleDigests: Digests = {
  kind: 'noble',
  sha1: (data) => nobleSha1(data),
  sha256: (data) => nobleSha256(data),
  sha1Stream: () => nobleSha1.create(),
};

/** The fastest digests this runtime offers: node:crypto when present, else @noble/hashes. */
export function defaultDigests(): Digests {
  return nativeDigests() ?? nobleDigests;
}
