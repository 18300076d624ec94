// BEP 15 connection IDs without per-client state: the ID is a keyed hash (the HalfSipHash-2-4
// construction, 64-bit output) of the client's address, port and the current one-minute window,
// under a secret. An ID verifies during its own window and the next, so it lives 1..2 minutes,
// and a client that cannot receive our replies (a spoofed source address) cannot produce one.

const WINDOW_MS = 60_000;

const rotl = (x: number, b: number) => (x << b) | (x >>> (32 - b));

/** HalfSipHash-2-4 with 64-bit output over `msg`, keyed by two 32-bit words; writes 8 bytes to `out`. */
export function halfSipHash64(k0: number, k1: number, msg: Uint8Array, out: Uint8Array): void {
  let v0 = k0 | 0, v1 = (k1 ^ 0xee) | 0, v2 = (0x6c796765 ^ k0) | 0, v3 = (0x74656462 ^ k1) | 0;
  const round = () => {
    v0 = (v0 + v1) | 0; v1 = rotl(v1, 5); v1 ^= v0; v0 = rotl(v0, 16);
    v2 = (v2 + v3) | 0; v3 = rotl(v3, 8); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = rotl(v3, 7); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = rotl(v1, 13); v1 ^= v2; v2 = rotl(v2, 16);
  };
  const len = msg.length;
  const end = len - (len & 3);
  for (let i = 0; i < end; i += 4) {
    const m = msg[i]! | (msg[i + 1]! << 8) | (msg[i + 2]! << 16) | (msg[i + 3]! << 24);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  let last = (len & 255) << 24;
  for (let i = end, s = 0; i < len; i++, s += 8) last |= msg[i]! << s;
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xee; round(); round(); round(); round();
  const a = v1 ^ v3;
  v1 ^= 0xdd; round(); round(); round(); round();
  const b = v1 ^ v3;
  out[0] = a; out[1] = a >>> 8; out[2] = a >>> 16; out[3] = a >>> 24;
  out[4] = b; out[5] = b >>> 8; out[6] = b >>> 16; out[7] = b >>> 24;
}

/** Issues and checks connection IDs bound to an address and a time window. */
export class ConnectionIds {
  private readonly k0: number;
  private readonly k1: number;
  private readonly msg = new Uint8Array(22);
  private readonly scratch = new Uint8Array(8);

  /** `secret`: at least 8 bytes (share it between processes that serve one UDP port); random when omitted. */
  constructor(secret?: Uint8Array) {
    const key = secret ?? crypto.getRandomValues(new Uint8Array(8));
    if (key.length < 8) throw new RangeError('connection id secret must be at least 8 bytes');
    const v = new DataView(key.buffer, key.byteOffset, key.byteLength);
    let k0 = v.getUint32(0), k1 = v.getUint32(4);
    // Fold longer secrets in rather than ignoring their tail.
    for (let i = 8; i + 4 <= key.length; i += 8) {
      k0 = Math.imul(k0 ^ v.getUint32(i), 0x9e3779b1);
      if (i + 8 <= key.length) k1 = Math.imul(k1 ^ v.getUint32(i + 4), 0x85ebca6b);
    }
    this.k0 = k0;
    this.k1 = k1;
  }

  private compute(window: number, ip: Uint8Array, port: number, out: Uint8Array): void {
    const m = this.msg;
    m[0] = window >>> 24; m[1] = window >>> 16; m[2] = window >>> 8; m[3] = window;
    m[4] = port >>> 8; m[5] = port;
    m.set(ip, 6);
    halfSipHash64(this.k0, this.k1, m.subarray(0, 6 + ip.length), out);
  }

  /** A fresh 8-byte connection ID for this client address. */
  issue(ip: Uint8Array, port: number, now: number): Uint8Array {
    const out = new Uint8Array(8);
    this.compute(Math.floor(now / WINDOW_MS), ip, port, out);
    return out;
  }

  /** Whether `id` was issued to this address in the current or the previous window. */
  verify(id: Uint8Array, ip: Uint8Array, port: number, now: number): boolean {
    if (id.length !== 8) return false;
    const w = Math.floor(now / WINDOW_MS);
    for (const win of [w, w - 1]) {
      this.compute(win, ip, port, this.scratch);
      let diff = 0;
      for (let i = 0; i < 8; i++) diff |= this.scratch[i]! ^ id[i]!;
      if (diff === 0) return true;
    }
    return false;
  }
}
