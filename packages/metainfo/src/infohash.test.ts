import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { infoHashes, infoHashesAsync, infoHashV1, infoHashV2, truncatedHex, truncateInfoHash } from './infohash.ts';
import { merkleRoot, padHashForPiece } from './merkle.ts';
import { fromWords, hashPairWords, toWords } from './sha256-pairs.ts';
import { parseTorrent } from './parse/parse-torrent.ts';
import { fixture } from './test-fixtures.ts';
import { fromBase32, fromHex, toBase32, toHex } from './util/hex.ts';
import { sha256 } from '@noble/hashes/sha2.js';

const enc = new TextEncoder();

describe('info hashes', () => {
  it('match known SHA-1 and SHA-256 vectors', () => {
    expect(toHex(infoHashV1(enc.encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(infoHashV2(enc.encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('agree between the sync (noble) and async (WebCrypto) paths', async () => {
    const t = parseTorrent(fixture('transmission/bittorrent-v2-hybrid-test.torrent'));
    const sync = infoHashes(t.infoBytes);
    const async = await infoHashesAsync(t.infoBytes);
    expect(toHex(async.v1)).toBe(toHex(sync.v1));
    expect(toHex(async.v2)).toBe(toHex(sync.v2));
    expect(toHex(sync.v1)).toBe(t.infoHash);
    expect(toHex(sync.v2)).toBe(t.infoHashV2);
  });

  it('truncates v2 hashes to 20 bytes for trackers and handshakes', () => {
    const v2 = infoHashV2(enc.encode('x'));
    expect(truncateInfoHash(v2)).toHaveLength(20);
    expect(toHex(truncateInfoHash(v2))).toBe(truncatedHex(toHex(v2)));
  });
});

describe('hex and base32', () => {
  it('round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(fromHex(toHex(b))).toEqual(b);
        expect(fromBase32(toBase32(b))).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });

  it('reject malformed input', () => {
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
    expect(fromBase32('A1')).toBeUndefined();
    expect(toBase32(enc.encode('foobar'))).toBe('MZXW6YTBOI');
  });
});

describe('BEP 52 merkle', () => {
  it('hashes pairs exactly as SHA-256 does (fast-check against @noble/hashes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (msg) => {
        const out = new Uint32Array(8);
        const w = toWords(msg);
        hashPairWords(w, 0, w, 8, out, 0);
        expect(fromWords(out)).toEqual(sha256(msg));
      }),
      { numRuns: 200 },
    );
  });

  it('pads to a power of two with zero subtrees', () => {
    const leaf = (n: number) => sha256(Uint8Array.of(n));
    const pad = padHashForPiece(16384);
    expect(pad).toEqual(new Uint8Array(32));
    const layer = new Uint8Array(96);
    layer.set(leaf(1), 0);
    layer.set(leaf(2), 32);
    layer.set(leaf(3), 64);
    const pair = (a: Uint8Array, b: Uint8Array) => sha256(Uint8Array.from([...a, ...b]));
    expect(merkleRoot(layer, pad)).toEqual(pair(pair(leaf(1), leaf(2)), pair(leaf(3), pad)));
    // A 32 KiB piece is two blocks: its pad is the hash of two zero leaves.
    expect(padHashForPiece(32768)).toEqual(pair(new Uint8Array(32), new Uint8Array(32)));
  });
});
