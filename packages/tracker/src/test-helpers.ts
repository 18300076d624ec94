// Helpers shared by this package's tests (not exported from the package).
import { decode, type BDict } from '@torrentkit/bencode';
import { percentEncode } from './http/query.ts';

export function id20(tag: number, n: number): Uint8Array {
  const b = new Uint8Array(20).fill(tag);
  new DataView(b.buffer).setUint32(16, n);
  return b;
}

export function announceQuery(p: Record<string, string | number | Uint8Array | undefined>): string {
  return Object.entries(p)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v instanceof Uint8Array ? percentEncode(v) : encodeURIComponent(String(v))}`)
    .join('&');
}

export function dict(bytes: Uint8Array): BDict {
  return decode(bytes) as BDict;
}

export function text(v: unknown): string {
  return new TextDecoder().decode(v as Uint8Array);
}
