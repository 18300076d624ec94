// SHA-256 (FIPS 180-4) specialised for merkle trees: every input is exactly two 32-byte hashes,
// so the second block (padding + length) is a constant whose message schedule is computed once.
// Checking a piece layer hashes tens of thousands of such pairs; a general-purpose hasher spends
// most of its time allocating per call, this does not allocate per hash.

const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

function expand(w: Uint32Array): void {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
}

// The second block of a 64-byte message: 0x80, zeros, and the bit length 512.
const PAD_W = new Uint32Array(64);
PAD_W[0] = 0x80000000;
PAD_W[15] = 512;
expand(PAD_W);

const W = new Uint32Array(64);
const S = new Uint32Array(8);

function compress(s: Uint32Array, w: Uint32Array): void {
  let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!, f = s[5]!, g = s[6]!, h = s[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + b) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
  s[4] = (s[4]! + e) | 0;
  s[5] = (s[5]! + f) | 0;
  s[6] = (s[6]! + g) | 0;
  s[7] = (s[7]! + h) | 0;
}

/**
 * SHA-256 of the 64-byte message `left || right`, where both are 8 big-endian words at the given
 * offsets; the digest goes to `out[outOff..outOff+8)` as big-endian words.
 */
export function hashPairWords(
  left: Uint32Array,
  leftOff: number,
  right: Uint32Array,
  rightOff: number,
  out: Uint32Array,
  outOff: number,
): void {
  for (let i = 0; i < 8; i++) {
    W[i] = left[leftOff + i]!;
    W[i + 8] = right[rightOff + i]!;
  }
  expand(W);
  S.set(IV);
  compress(S, W);
  compress(S, PAD_W);
  for (let i = 0; i < 8; i++) out[outOff + i] = S[i]!;
}

/** Big-endian words of `bytes` (length a multiple of 4). */
export function toWords(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.length >>> 2);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    out[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  return out;
}

/** Bytes of big-endian words. */
export function fromWords(words: Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  for (let i = 0, j = 0; i < words.length; i++, j += 4) {
    const w = words[i]!;
    out[j] = w >>> 24;
    out[j + 1] = (w >>> 16) & 0xff;
    out[j + 2] = (w >>> 8) & 0xff;
    out[j + 3] = w & 0xff;
  }
  return out;
}
