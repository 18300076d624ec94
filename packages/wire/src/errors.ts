/** Stable machine-readable codes for every way the peer wire protocol can fail. */
export type WireErrorCode =
  /** The handshake's protocol string is not `\x13BitTorrent protocol`. */
  | 'WIRE_BAD_PROTOCOL'
  /** The handshake names a different info hash than the one this connection is for. */
  | 'WIRE_INFO_HASH_MISMATCH'
  /** A message declares a length above the configured limit (checked before any allocation). */
  | 'WIRE_MESSAGE_TOO_LONG'
  /** A fixed-size message (choke, have, request, ...) declares the wrong length. */
  | 'WIRE_BAD_LENGTH'
  /** A bitfield has the wrong number of bytes for the torrent, or spare bits set. */
  | 'WIRE_BAD_BITFIELD'
  /** A piece index is not below the torrent's piece count. */
  | 'WIRE_BAD_INDEX'
  /** A block request or block is outside its piece, empty, or larger than allowed. */
  | 'WIRE_BAD_REQUEST'
  /** A BEP 6 message arrived although the fast extension was not negotiated, or a BEP 10 one without the extension bit. */
  | 'WIRE_NOT_NEGOTIATED'
  /** An extension message payload (BEP 10 handshake, ut_metadata, ut_pex) is malformed. */
  | 'WIRE_BAD_EXTENSION'
  /** A message arrived in a state where the protocol forbids it (e.g. a second handshake). */
  | 'WIRE_UNEXPECTED_MESSAGE'
  /** The peer broke the protocol too many times (see `maxViolations`). */
  | 'WIRE_TOO_MANY_VIOLATIONS'
  /** The peer sent nothing for longer than the idle timeout. */
  | 'WIRE_TIMEOUT'
  /** A caller passed an invalid argument (out-of-range integer, wrong-size hash, ...). */
  | 'WIRE_INVALID_ARGUMENT'
  /** The session or transport is already closed. */
  | 'WIRE_CLOSED';

/**
 * The only error this package throws. `offset` is the byte position in the stream (counted from the
 * first byte the parser saw) where a parse failure was detected, or -1 when not applicable.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  readonly code: WireErrorCode;
  readonly offset: number;

  constructor(code: WireErrorCode, message: string, offset = -1) {
    super(offset >= 0 ? `${message} at byte ${offset}` : message);
    this.code = code;
    this.offset = offset;
  }
}

/** @internal Throws WIRE_INVALID_ARGUMENT unless `n` is an integer in [0, 2^32). */
export function assertUint32(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `${what} must be an integer in [0, 2^32), got ${n}`);
  }
}
