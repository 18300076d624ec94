// Reserved handshake bits: BEP 10 (extension protocol), BEP 6 (fast), BEP 5 (DHT), BEP 52 (v2 upgrade).
// Byte and mask pairs follow the BEPs' "reserved[i] |= mask" notation.

/** Feature flags carried in the handshake's 8 reserved bytes. */
export interface Features {
  /** BEP 10 extension protocol: reserved[5] & 0x10. */
  extended?: boolean;
  /** BEP 6 fast extension: reserved[7] & 0x04. */
  fast?: boolean;
  /** BEP 5 DHT (the peer accepts `port` messages): reserved[7] & 0x01. */
  dht?: boolean;
  /** BEP 52 "upgrade to v2" for hybrid torrents: reserved[7] & 0x10. */
  v2?: boolean;
}

const BITS = {
  extended: [5, 0x10],
  fast: [7, 0x04],
  dht: [7, 0x01],
  v2: [7, 0x10],
} as const;

/** Builds the 8 reserved bytes for the given features; every other bit is zero. */
export function encodeReserved(features: Features): Uint8Array {
  const r = new Uint8Array(8);
  for (const name of Object.keys(BITS) as (keyof Features)[]) {
    if (features[name]) {
      const [i, mask] = BITS[name];
      r[i] = r[i]! | mask;
    }
  }
  return r;
}

/** Reads the known feature bits out of 8 reserved bytes (unknown bits are ignored, as BEP 3 asks). */
export function decodeReserved(reserved: Uint8Array): Required<Features> {
  const has = (name: keyof Features): boolean => {
    const [i, mask] = BITS[name];
    return ((reserved[i] ?? 0) & mask) !== 0;
  };
  return { extended: has('extended'), fast: has('fast'), dht: has('dht'), v2: has('v2') };
}
