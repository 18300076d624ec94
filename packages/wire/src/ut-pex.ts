// BEP 11 ut_pex: peers joined (`added`, with per-peer flag bytes in `added.f`) and left (`dropped`)
// since the last message, IPv4 and IPv6 in separate compact strings.
import { encode } from '@torrentkit/bencode';
import { bytes, decodeDict } from './bdict.ts';
import { decodeCompactPeers, encodeCompactPeers, parseIp, type PeerAddress } from './compact.ts';
import { WireError } from './errors.ts';

/** BEP 11 flag bits of an added peer. */
export const PexFlags = {
  /** Prefers encryption. */
  encryption: 0x01,
  /** Is a seed / upload only. */
  seed: 0x02,
  /** Supports uTP. */
  utp: 0x04,
  /** Supports ut_holepunch. */
  holepunch: 0x08,
  /** Reachable: the sender connected to it (outgoing connection). */
  reachable: 0x10,
} as const;

/** A peer announced in `added`, with its BEP 11 flags (0 if none were sent). */
export interface PexPeer extends PeerAddress {
  flags: number;
}

/** A ut_pex message. IPv4 and IPv6 peers are mixed; encoding splits them by family. */
export interface PexMessage {
  added: PexPeer[];
  dropped: PeerAddress[];
}

/** BEP 11 asks senders for at most 50 added and 50 dropped per message; we accept some slack. */
export const MAX_PEX_PEERS = 200;

/** Encodes a ut_pex payload. */
export function encodePex(msg: { added?: readonly (PeerAddress & { flags?: number })[]; dropped?: readonly PeerAddress[] }): Uint8Array {
  const is4 = (p: PeerAddress): boolean => parseIp(p.host).length === 4;
  const added = msg.added ?? [];
  const dropped = msg.dropped ?? [];
  const a4 = added.filter(is4);
  const a6 = added.filter((p) => !is4(p));
  const out: Record<string, Uint8Array> = {};
  if (a4.length) {
    out.added = encodeCompactPeers(a4, 4);
    out['added.f'] = Uint8Array.from(a4, (p) => p.flags ?? 0);
  }
  if (a6.length) {
    out.added6 = encodeCompactPeers(a6, 6);
    out['added6.f'] = Uint8Array.from(a6, (p) => p.flags ?? 0);
  }
  const d4 = dropped.filter(is4);
  const d6 = dropped.filter((p) => !is4(p));
  if (d4.length) out.dropped = encodeCompactPeers(d4, 4);
  if (d6.length) out.dropped6 = encodeCompactPeers(d6, 6);
  return encode(out);
}

/**
 * Decodes a ut_pex payload. Throws `WIRE_BAD_EXTENSION` for a malformed payload or more than
 * `maxPeers` entries in total (`WIRE_INVALID_ARGUMENT` for a `maxPeers` that is not a non-negative
 * integer); missing or short flag strings mean flags 0.
 */
export function decodePex(payload: Uint8Array, maxPeers = MAX_PEX_PEERS): PexMessage {
  // A NaN limit would let every entry through.
  if (!Number.isSafeInteger(maxPeers) || maxPeers < 0) throw new WireError('WIRE_INVALID_ARGUMENT', `maxPeers must be a non-negative integer, got ${maxPeers}`);
  const d = decodeDict(payload, 'ut_pex');
  const take = (key: string, family: 4 | 6): PeerAddress[] => {
    const b = bytes(d, key);
    if (!b) return [];
    if (b.length / (family === 4 ? 6 : 18) > maxPeers) {
      throw new WireError('WIRE_BAD_EXTENSION', `ut_pex: more than ${maxPeers} peers in ${key}`);
    }
    return decodeCompactPeers(b, family);
  };
  const withFlags = (peers: PeerAddress[], key: string): PexPeer[] => {
    const f = bytes(d, key);
    return peers.map((p, i) => ({ host: p.host, port: p.port, flags: f?.[i] ?? 0 }));
  };
  const added = [...withFlags(take('added', 4), 'added.f'), ...withFlags(take('added6', 6), 'added6.f')];
  const dropped = [...take('dropped', 4), ...take('dropped6', 6)];
  if (added.length + dropped.length > maxPeers) {
    throw new WireError('WIRE_BAD_EXTENSION', `ut_pex: more than ${maxPeers} peers`);
  }
  return { added, dropped };
}
