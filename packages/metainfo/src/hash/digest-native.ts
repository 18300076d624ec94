// SHA-1 (BEP 3 pieces) and SHA-256 (BEP 52 merkle trees) behind one small interface, so the piece
// and merkle logic stays pure. Native hashing (node:crypto, present on Node, Deno and Bun) is found
// through `process.getBuiltinModule`, which keeps this module free of a static `node:` import and
// therefore loadable on edge runtimes too (digest.ts adds the @noble/hashes fallback there).
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

let cached: Digests | null | undefined;

/**
 * node:crypto digests, or undefined where the runtime has none. Kept apart from @noble/hashes so
 * hashing workers (which only run where node:crypto exists) start without loading it.
 */
export function nativeDigests(): Digests | undefined {
  if (cached === undefined) cached = findNative() ?? null;
  return cached ?? undefined;
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
