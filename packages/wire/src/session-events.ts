// What a PeerSession reports to its owner. Kept apart from the session so the event vocabulary can be
// read (and imported by the parts that build events) without the state machine.
import type { Bitfield } from './bitfield.ts';
import type { WireError, WireErrorCode } from './errors.ts';
import type { ExtendedHandshake } from './extension-handshake.ts';
import type { BlockRef } from './messages.ts';
import type { Features } from './reserved.ts';

/** Why a request we sent will not be answered with a block. */
export type RequestFailure =
  /** The peer sent a BEP 6 reject. */
  | 'rejected'
  /** The peer choked us without the fast extension, which implicitly drops every request. */
  | 'choked'
  /** No answer within `requestTimeout`; a cancel was sent. */
  | 'timeout'
  /** The peer sent a block of the wrong length. */
  | 'invalid'
  /** The session closed before the block arrived (reported for sent and still-queued requests). */
  | 'closed';

/** What the session reports. */
export type SessionEvent =
  | { type: 'handshake'; peerId: Uint8Array; reserved: Uint8Array; features: Required<Features> }
  | { type: 'extended-handshake'; handshake: ExtendedHandshake }
  /**
   * The peer's piece set was announced (bitfield, have all or have none): see `peerPieces`. A later
   * announcement replaces the set (some clients, e.g. aria2, repeat theirs); `previous` is then the
   * set it replaced (including haves received since), so availability counts can be corrected and
   * interest re-evaluated. An announcement identical to the current set emits nothing.
   */
  | { type: 'bitfield'; previous?: Bitfield | undefined }
  | { type: 'have'; index: number }
  /** The peer choked / unchoked us. */
  | { type: 'choke' }
  | { type: 'unchoke' }
  /** The peer became interested / not interested in us. */
  | { type: 'interested' }
  | { type: 'not-interested' }
  /** A block we requested. `block` is a view into received bytes: copy it if you keep it past this call. */
  | { type: 'block'; index: number; begin: number; block: Uint8Array }
  /** A request we sent failed; the block should be requested again (maybe elsewhere). */
  | ({ type: 'request-failed'; reason: RequestFailure } & BlockRef)
  /** The peer asks for a block: answer with `sendPiece` (or `reject`). */
  | ({ type: 'request' } & BlockRef)
  /** The peer withdrew a request we had not answered yet. */
  | ({ type: 'cancel' } & BlockRef)
  | { type: 'suggest'; index: number }
  | { type: 'allowed-fast'; index: number }
  | { type: 'port'; port: number }
  /** A message of an extension we registered. `payload` is a view into received bytes, like `block`. */
  | { type: 'extended'; name: string; payload: Uint8Array }
  /** No block arrived for `snubTimeout` while requests were outstanding (true), or one arrived again (false). */
  | { type: 'snubbed'; snubbed: boolean }
  /** The peer broke a rule that does not require closing the connection; counted in `violations`. */
  | { type: 'violation'; code: WireErrorCode; message: string }
  /** The session ended: `error` says why (undefined when closed locally without a reason). */
  | { type: 'closed'; error: WireError | undefined };
