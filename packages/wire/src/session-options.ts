// How a PeerSession is configured, and the defaults of its limits and timers in one place.
import type { Bitfield } from './bitfield.ts';
import { WireError } from './errors.ts';
import type { ExtendedHandshake } from './extension-handshake.ts';
import type { ExtensionRegistry } from './extensions.ts';
import type { TorrentShape } from './piece-size.ts';
import type { Features } from './reserved.ts';
import type { SessionEvent } from './session-events.ts';

/** Configuration of a {@link PeerSession}. Times are in milliseconds, on the caller's clock. */
export interface PeerSessionOptions {
  /** The torrent's info hash: 20 bytes (v1) or 32 (v2, truncated in the handshake). */
  infoHash: Uint8Array;
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** Bytes to transmit, in order. The session never retains them after the call. */
  onSend: (data: Uint8Array) => void;
  /** Everything that happened. Called synchronously from `receive`, `tick` and commands. */
  onEvent: (event: SessionEvent) => void;
  /** Features we offer. Default: extension protocol and fast extension on, DHT off. */
  features?: Features;
  /** Piece geometry; leave out for a magnet link and call `setTorrent` once metadata is known. */
  torrent?: TorrentShape;
  /**
   * The pieces we have (read, and updated by `have`). Default: none — an empty set of the torrent's
   * size (made once the shape is known) that `have` fills. Requests for pieces not in it are refused
   * (a `WIRE_BAD_REQUEST` violation, and a reject with fast), and so is every request on a magnet
   * link before `setTorrent`.
   */
  pieces?: Bitfield;
  /** Extensions we speak (ids assigned in order), or a ready registry. Default: ut_metadata, ut_pex. */
  extensions?: ExtensionRegistry | readonly string[];
  /** Extra fields for our extension handshake (`v`, `p`, `metadata_size`, `yourip`, ...). */
  extendedHandshake?: Omit<ExtendedHandshake, 'm' | 'reqq' | 'raw'>;
  /**
   * BEP 6: once fast is negotiated, grant the peer the allowed-fast set computed from its IP — `count`
   * pieces (a non-negative integer, default 10), of which those we have are announced. `ip` is the peer's address as
   * `socket.remoteAddress` gives it (IPv4, IPv6, or IPv4-mapped `::ffff:a.b.c.d`, which counts as the
   * IPv4 address) or its 4 / 16 bytes; see `allowedFastSet`. An address that does not parse
   * throws `WIRE_INVALID_ARGUMENT` from the constructor. Needs `torrent`. Off by default.
   */
  allowedFast?: { ip: string | Uint8Array; count?: number };
  /** Most requests we keep in flight to this peer; the peer's `reqq` lowers it further. Default 250. */
  maxOutstanding?: number;
  /** Assumed `reqq` of a peer that does not state one. Default 250 (libtorrent's default). */
  defaultPeerReqq?: number;
  /** The `reqq` we announce: most requests from the peer we queue. Default 500. */
  reqq?: number;
  /** Largest block a peer may request from us. Default 128 KiB. */
  maxRequestLength?: number;
  /** Largest block we accept in a piece message. Default 128 KiB. */
  maxBlockLength?: number;
  /** A request unanswered this long fails with reason 'timeout'. Default 60 s. */
  requestTimeout?: number;
  /** No block for this long while requests are outstanding marks the peer snubbed. Default 30 s. */
  snubTimeout?: number;
  /** Send a keep-alive after this long without sending anything. Default 60 s. */
  keepAliveInterval?: number;
  /** Close with WIRE_TIMEOUT after this long without receiving anything. Default 150 s. */
  idleTimeout?: number;
  /** Close with WIRE_TIMEOUT if the peer's handshake has not arrived after this long. Default 30 s. */
  handshakeTimeout?: number;
  /** Close with WIRE_TOO_MANY_VIOLATIONS after more than this many violations. Default 20. */
  maxViolations?: number;
  /**
   * The clock at creation. Default: the first time passed to `start`, `receive` or `tick`, so a
   * session driven by `performance.now()` or `Date.now()` (`runSession` uses the former) needs no
   * start time of its own.
   */
  now?: number;
}

/** @internal The numeric limits and timeouts of a session, with every default filled in. */
export interface SessionLimits {
  maxOutstanding: number;
  defaultPeerReqq: number;
  reqq: number;
  maxRequestLength: number;
  maxBlockLength: number;
  requestTimeout: number;
  snubTimeout: number;
  keepAliveInterval: number;
  idleTimeout: number;
  handshakeTimeout: number;
  maxViolations: number;
}

// Counts must be whole numbers (reqq NaN or -1 would lift the bound on the peer's queued requests);
// timeouts positive, Infinity turning one off. Infinity also lifts the limits that are only ever
// compared against (never sent to the peer, never sized into a buffer), as it did before the checks.
const COUNTS = ['maxOutstanding', 'defaultPeerReqq', 'reqq', 'maxRequestLength', 'maxBlockLength', 'maxViolations'] as const;
const MAY_BE_INFINITE = new Set<string>(['maxOutstanding', 'maxRequestLength', 'maxViolations']);
const TIMES = ['requestTimeout', 'snubTimeout', 'keepAliveInterval', 'idleTimeout', 'handshakeTimeout'] as const;

/**
 * @internal Fills in the defaults documented on {@link PeerSessionOptions}. Throws
 * `WIRE_INVALID_ARGUMENT` for a limit that is not a positive integer (`maxViolations` may be 0) or a
 * time that is not positive.
 */
export function sessionLimits(o: PeerSessionOptions): SessionLimits {
  for (const key of COUNTS) {
    const v = o[key];
    if (v !== undefined && !(v === Infinity && MAY_BE_INFINITE.has(key)) && !(Number.isSafeInteger(v) && v >= (key === 'maxViolations' ? 0 : 1))) {
      throw new WireError('WIRE_INVALID_ARGUMENT', `${key} must be a ${key === 'maxViolations' ? 'non-negative' : 'positive'} integer, got ${v}`);
    }
  }
  for (const key of TIMES) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0)) throw new WireError('WIRE_INVALID_ARGUMENT', `${key} must be a positive number, got ${v}`);
  }
  return {
    maxOutstanding: o.maxOutstanding ?? 250,
    defaultPeerReqq: o.defaultPeerReqq ?? 250, // libtorrent's default reqq
    reqq: o.reqq ?? 500,
    maxRequestLength: o.maxRequestLength ?? 128 * 1024,
    maxBlockLength: o.maxBlockLength ?? 128 * 1024,
    requestTimeout: o.requestTimeout ?? 60_000,
    snubTimeout: o.snubTimeout ?? 30_000,
    keepAliveInterval: o.keepAliveInterval ?? 60_000,
    idleTimeout: o.idleTimeout ?? 150_000,
    handshakeTimeout: o.handshakeTimeout ?? 30_000,
    maxViolations: o.maxViolations ?? 20,
  };
}
