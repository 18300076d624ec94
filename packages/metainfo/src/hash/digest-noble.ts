// @noble/hashes behind the Digests interface: the fallback where the runtime has no node:crypto,
// and a cross-check of the native digests in tests. Loaded by the web entry (index.web.ts) or on
// request (loadNobleDigests); never run on Node, Deno or Bun unless asked for.
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { Digests } from './digest-native.ts';

/** Pure-JS digests; used where no native implementation exists, and to cross-check the native one. */
export const nobleDigests: Digests = {
  kind: 'noble',
  sha1: (data) => nobleSha1(data),
  sha256: (data) => nobleSha256(data),
  sha1Stream: () => nobleSha1.create(),
};
