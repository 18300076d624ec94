// Small helpers to decode and read bencoded extension payloads defensively: every field is optional
// and a field of the wrong type is treated as absent, because peers in the wild send all sorts.
import { BencodeError, decode, decodePrefix, type BDict, type BValue } from '@torrentkit/bencode';
import { WireError } from './errors.ts';

const OPTS = { strict: false, maxDepth: 8 } as const;

function isDict(v: BValue): v is BDict {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

/** @internal Decodes `payload` as one bencoded dict, mapping any failure to WIRE_BAD_EXTENSION. */
export function decodeDict(payload: Uint8Array, what: string): BDict {
  let v: BValue;
  try {
    v = decode(payload, OPTS);
  } catch (err) {
    throw wrap(err, what);
  }
  if (!isDict(v)) throw new WireError('WIRE_BAD_EXTENSION', `${what}: not a bencoded dictionary`);
  return v;
}

/** @internal Decodes a bencoded dict at the start of `payload`; returns it and the bytes after it. */
export function decodeDictPrefix(payload: Uint8Array, what: string): { dict: BDict; rest: Uint8Array } {
  let r: { value: BValue; length: number };
  try {
    r = decodePrefix(payload, OPTS);
  } catch (err) {
    throw wrap(err, what);
  }
  if (!isDict(r.value)) throw new WireError('WIRE_BAD_EXTENSION', `${what}: not a bencoded dictionary`);
  return { dict: r.value, rest: payload.subarray(r.length) };
}

function wrap(err: unknown, what: string): unknown {
  if (err instanceof BencodeError) {
    const e = new WireError('WIRE_BAD_EXTENSION', `${what}: ${err.message}`);
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  return err;
}

/** @internal A non-negative safe integer field, else undefined. */
export function int(d: BDict, key: string): number | undefined {
  const v = d[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** @internal A byte-string field, else undefined. */
export function bytes(d: BDict, key: string): Uint8Array | undefined {
  const v = d[key];
  return v instanceof Uint8Array ? v : undefined;
}

/** @internal A dict field, else undefined. */
export function dict(d: BDict, key: string): BDict | undefined {
  const v = d[key];
  return v !== undefined && isDict(v) ? v : undefined;
}
