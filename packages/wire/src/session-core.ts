// The private state a PeerSession shares with the code that handles the peer's messages
// (session-receive.ts) and the clock (session-timers.ts): everything about the connection that is
// not public API, plus the primitives that write to the peer and report to the owner. Not exported
// from the package; PeerSession keeps its SessionCore in a private field.
import { allowedFastAddress } from './allowed-fast.ts';
import { REQUEST_LENGTH, writeBlockMessage } from './encode.ts';
import { WireError } from './errors.ts';
import type { ExtendedHandshake } from './extension-handshake.ts';
import { IncomingRequests } from './incoming-requests.ts';
import type { BlockRef } from './messages.ts';
import { EarlyPieces } from './peer-pieces.ts';
import type { TorrentShape } from './piece-size.ts';
import type { Features } from './reserved.ts';
import { RequestPipeline } from './request-pipeline.ts';
import type { PeerSession } from './session.ts';
import { SessionClock } from './session-clock.ts';
import type { RequestFailure, SessionEvent } from './session-events.ts';
import { sessionLimits, type PeerSessionOptions, type SessionLimits } from './session-options.ts';

/** @internal One session's hidden state and its output primitives. */
export class SessionCore {
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  readonly limits: SessionLimits;
  /** The reserved-bit features we offer. */
  readonly features: Features;
  /** Extra fields for our extension handshake. */
  readonly extra: Omit<ExtendedHandshake, 'm' | 'reqq' | 'raw'>;
  /** The BEP 6 allowed-fast set to grant once fast is negotiated: the peer's address bytes, and how many. */
  readonly allowedFastGrant: { readonly ip: Uint8Array; readonly count: number } | undefined;
  readonly clock: SessionClock;
  /** Our requests to the peer. */
  readonly requests = new RequestPipeline();
  /** The peer's requests to us, and the allowed-fast pieces we granted. */
  readonly incoming: IncomingRequests;
  /** The peer's piece announcements while the torrent shape is unknown. */
  readonly early = new EarlyPieces();
  /** BEP 6: pieces the peer lets us request while it chokes us. */
  readonly allowedFromPeer = new Set<number>();
  torrent: TorrentShape | undefined;
  handshakeSent = false;
  handshakeReceived = false;
  /** A port message asked for before the handshakes were exchanged, sent right after them. */
  pendingPort: Uint8Array | undefined;
  /** The peer's `reqq` (from its extension handshake) or the assumed default. */
  peerReqq: number;
  // While a chunk is parsed, new requests only queue; one pump after the chunk sends them together.
  receiving = false;
  readonly #onSend: (data: Uint8Array) => void;
  readonly #onEvent: (event: SessionEvent) => void;

  constructor(options: PeerSessionOptions) {
    this.infoHash = options.infoHash;
    this.peerId = options.peerId;
    this.limits = sessionLimits(options);
    this.features = options.features ?? { extended: true, fast: true };
    this.extra = options.extendedHandshake ?? {};
    // Checked now, so a bad address is the caller's error here rather than a closed session later.
    const grant = options.allowedFast;
    const count = grant?.count ?? 10;
    // NaN or a negative count would quietly grant nothing.
    if (!Number.isSafeInteger(count) || count < 0) throw new WireError('WIRE_INVALID_ARGUMENT', `allowedFast.count must be a non-negative integer, got ${count}`);
    this.allowedFastGrant = grant && { ip: allowedFastAddress(grant.ip), count };
    this.torrent = options.torrent;
    this.clock = new SessionClock(options.now);
    this.incoming = new IncomingRequests(this.limits.reqq, this.limits.maxRequestLength);
    this.peerReqq = this.limits.defaultPeerReqq;
    this.#onSend = options.onSend;
    this.#onEvent = options.onEvent;
  }

  /** Writes to the peer; anything sent restarts the keep-alive interval. */
  send(data: Uint8Array): void {
    this.clock.lastSent = this.clock.now;
    this.#onSend(data);
  }

  /** Writes a request, cancel or reject (the three share one 17-byte layout). */
  sendBlockMessage(id: number, r: BlockRef): void {
    const out = new Uint8Array(REQUEST_LENGTH);
    writeBlockMessage(out, 0, id, r.index, r.begin, r.length);
    this.send(out);
  }

  emit(event: SessionEvent): void {
    this.#onEvent(event);
  }

  /** Reports that our request `r` will not be answered. */
  failed(r: BlockRef, reason: RequestFailure): void {
    this.#onEvent({ type: 'request-failed', reason, index: r.index, begin: r.begin, length: r.length });
  }

  /** How many requests we keep in flight: min(maxOutstanding, the peer's reqq). */
  get requestLimit(): number {
    return Math.max(1, Math.min(this.limits.maxOutstanding, this.peerReqq));
  }

  /** Moves the clock to `now` (if given); the first time given anchors every timer when `options.now` was not. */
  setClock(now: number | undefined): void {
    if (this.clock.set(now)) this.requests.rebase(this.clock.now);
  }

  /** Sends queued requests while slots are free; while `s` is choked only allowed-fast ones (BEP 6). One write. */
  pump(s: PeerSession): void {
    if (s.closed || !this.handshakeReceived || (s.peerChoking && !s.fast)) return;
    const wasEmpty = this.requests.outstanding === 0;
    const bytes = this.requests.send(this.requestLimit, this.clock.now, s.peerChoking ? this.allowedFromPeer : undefined);
    if (!bytes) return;
    if (wasEmpty) this.clock.lastProgress = this.clock.now; // the snub clock starts with the first request in flight
    this.send(bytes);
  }
}
