// SHA-1 (BEP 3 pieces) and SHA-256 (BEP 52 merkle trees) behind one small interface, so the piece
// and merkle logic stays pure. Native hashing (node:crypto, present on Node, Deno and Bun) is found
// through `process.getBuiltinModule`, which keeps this module free of a static `node:` import and
// therefore loadable on edge runtimes too, where @noble/hashes takes over.
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** Synchronous one-shot digests. Results may be views into fresh buffers; copy before keeping. */
export interface Digests {
  /** Which implementation is in use: `'native'` (node:crypto) or `'noble'` (@noble/hashes). */
  readonly kind: 'native' | 'noble';
  sha1(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /** Incremental SHA-1, for pieces hashed in several slices. */
  sha1Stream(): HashStream;
}

/** An incremental hash: `update` any number of times, then `digest` once. */
export interface HashStream {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

interface NodeCrypto {
  hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Uint8Array;
  createHash(algorithm: string): { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

/** Pure-JS digests; used where no native implementation exists, and to cross-check the native one. */
export const nobleDigests: Digests = {
  kind: 'noble',
  sha1: (data) => nobleSha1(data),
  sha256: (data) => nobleSha256(data),
  sha1Stream: () => nobleSha1.create(),
};

let cached: Digests | undefined;

/** The fastest digests this runtime offers: node:crypto when present, else @noble/hashes. */
export function defaultDigests(): Digests {
  return (cached ??= findNative() ?? nobleDigests);
}

function findNative(): Digests | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  let crypto: NodeCrypto | undefined;
  try {
    crypto = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
  if (!crypto || typeof crypto.createHash !== 'function') return undefined;
  const create = crypto.createHash;
  const sha1Stream = (): HashStream => create('sha1');
  const oneShot = crypto.hash;
  if (typeof oneShot === 'function') {
    // `crypto.hash` (Node >= 20.12) skips the Hash object: measurably faster for 16 KiB blocks.
    return {
      kind: 'native',
      sha1: (data) => oneShot('sha1', data, 'buffer'),
      sha256: (data) => oneShot('sha256', data, 'buffer'),
      sha1Stream,
    };
  }
  const digestOf = (algorithm: string, data: Uint8Array): Uint8Array => {
    const h = create(algorithm);
    h.update(data);
    return h.digest();
  };
  return {
    kind: 'native',
    sha1: (data) => digestOf('sha1', data),
    sha256: (data) => digestOf('sha256', data),
    sha1Stream,
  };
}
