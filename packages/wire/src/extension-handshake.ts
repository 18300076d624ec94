// BEP 10 extension protocol handshake: the bencoded dict sent as extended message id 0.
// `m` maps extension names to the ids the *sender* wants to receive them under (0 = disabled).
import { encode, type BDict } from '@torrentkit/bencode';
import { bytes, decodeDict, dict, int } from './bdict.ts';

/** A BEP 10 extension handshake. Every field is optional on the wire. */
export interface ExtendedHandshake {
  /** Extension name -> extended message id the sender receives it under; 0 means disabled. */
  m: Record<string, number>;
  /** Client name and version, e.g. "torrentkit 0.1". */
  v?: string;
  /** The sender's listen port. */
  p?: number;
  /** How many outstanding requests the sender accepts (libtorrent's default is 250). */
  reqq?: number;
  /** The receiver's IP address as the sender sees it (4 or 16 bytes). */
  yourip?: Uint8Array;
  /** The sender's own IPv4 / IPv6 address (4 / 16 bytes). */
  ipv4?: Uint8Array;
  ipv6?: Uint8Array;
  /** BEP 9: size of the info dictionary in bytes. */
  metadata_size?: number;
  /** BEP 21: the sender only uploads. */
  upload_only?: boolean;
  /** Every key as decoded, including ones not modelled above (absent when encoding). */
  raw?: BDict;
}

/** Encodes an extension handshake payload (the bytes after the extended id 0). */
export function encodeExtendedHandshake(h: ExtendedHandshake): Uint8Array {
  const out: Record<string, unknown> = { m: h.m };
  if (h.v !== undefined) out.v = h.v;
  if (h.p !== undefined) out.p = h.p;
  if (h.reqq !== undefined) out.reqq = h.reqq;
  if (h.yourip !== undefined) out.yourip = h.yourip;
  if (h.ipv4 !== undefined) out.ipv4 = h.ipv4;
  if (h.ipv6 !== undefined) out.ipv6 = h.ipv6;
  if (h.metadata_size !== undefined) out.metadata_size = h.metadata_size;
  if (h.upload_only !== undefined) out.upload_only = h.upload_only ? 1 : 0;
  return encode(out);
}

/**
 * Decodes an extension handshake payload. Throws `WIRE_BAD_EXTENSION` if it is not a bencoded dict;
 * fields of the wrong type, and `m` entries that are not integers in [0, 255], are dropped.
 */
export function decodeExtendedHandshake(payload: Uint8Array): ExtendedHandshake {
  const d = decodeDict(payload, 'extension handshake');
  const m: Record<string, number> = {};
  const md = dict(d, 'm');
  if (md) {
    for (const name of Object.keys(md)) {
      const id = int(md, name);
      if (id !== undefined && id <= 255) m[name] = id;
    }
  }
  const h: ExtendedHandshake = { m, raw: d };
  const v = bytes(d, 'v');
  if (v) h.v = new TextDecoder().decode(v);
  const p = int(d, 'p');
  if (p !== undefined && p <= 0xffff) h.p = p;
  const reqq = int(d, 'reqq');
  if (reqq !== undefined) h.reqq = reqq;
  const yourip = bytes(d, 'yourip');
  if (yourip && (yourip.length === 4 || yourip.length === 16)) h.yourip = yourip;
  const ipv4 = bytes(d, 'ipv4');
  if (ipv4 && ipv4.length === 4) h.ipv4 = ipv4;
  const ipv6 = bytes(d, 'ipv6');
  if (ipv6 && ipv6.length === 16) h.ipv6 = ipv6;
  const size = int(d, 'metadata_size');
  if (size !== undefined) h.metadata_size = size;
  const uo = int(d, 'upload_only');
  if (uo !== undefined) h.upload_only = uo !== 0;
  return h;
}
