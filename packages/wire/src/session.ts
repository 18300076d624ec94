// The state of one peer connection (BEP 3, with BEP 6 fast and BEP 10 extension semantics), as a
// sans-I/O state machine: feed it received bytes (`receive`), the clock (`tick`) and local commands;
// it calls `onSend` with bytes to transmit and `onEvent` with what happened. No sockets, no timers:
// time only moves when the caller passes `now`, which keeps every behaviour testable and deterministic.
//
// This file is the public surface: the state the owner reads and the local commands. The peer's
// messages are handled in session-receive.ts, the clock in session-timers.ts; our requests live in
// request-pipeline.ts, the peer's in incoming-requests.ts, piece sets in peer-pieces.ts, and the
// hidden state they all share in session-core.ts.
import { Bitfield } from './bitfield.ts';
import {
  encodeAllowedFast, encodeChoke, encodeExtended, encodeHave, encodeInterested, encodeNotInterested,
  encodePieceHeader, encodePort, encodeSuggest, encodeUnchoke,
} from './encode.ts';
import { WireError } from './errors.ts';
import type { ExtendedHandshake } from './extension-handshake.ts';
import { ExtensionRegistry } from './extensions.ts';
import { encodeHandshake, handshakeInfoHash } from './handshake.ts';
import { MessageId, type WireEvent } from './messages.ts';
import { WireParser } from './parser.ts';
import { sameShape, validBlock, type TorrentShape } from './piece-size.ts';
import { SessionCore } from './session-core.ts';
import type { PeerSessionOptions } from './session-options.ts';
import { receiveHandshake, receiveMessage } from './session-receive.ts';
import { runTimers } from './session-timers.ts';

export type { RequestFailure, SessionEvent } from './session-events.ts';
export type { PeerSessionOptions } from './session-options.ts';
export type { TorrentShape } from './piece-size.ts';

const DEFAULT_EXTENSIONS = ['ut_metadata', 'ut_pex'] as const;

/**
 * One peer connection's protocol state: handshakes, choke/interest both ways, our requests to the
 * peer (pipelined up to its `reqq`, timed out, cancelled) and its requests to us (validated, queued
 * up to our `reqq`), BEP 6 and BEP 10 semantics, keep-alives and idle detection.
 */
export class PeerSession {
  /** We choke the peer (it may not download from us). */
  amChoking = true;
  /** We want pieces from the peer. */
  amInterested = false;
  /** The peer chokes us. */
  peerChoking = true;
  /** The peer wants pieces from us. */
  peerInterested = false;
  /** Both sides offered the fast extension (BEP 6). Known after the peer's handshake. */
  fast = false;
  /** Both sides offered the extension protocol (BEP 10). */
  extended = false;
  /** The peer's handshake, once received. */
  peerId: Uint8Array | undefined;
  /** The peer's latest extension handshake. */
  peerExtendedHandshake: ExtendedHandshake | undefined;
  /** The peer's pieces, once its bitfield arrived and the torrent shape is known. */
  peerPieces: Bitfield | undefined;
  /** Whether the peer is snubbing us. */
  snubbed = false;
  /** Protocol violations counted so far. */
  violations = 0;
  /** Whether the session has ended. */
  closed = false;
  /**
   * Our piece set: the `pieces` option, or (without it) an empty set made once the torrent shape is
   * known, which `have` fills. Undefined only on a magnet link before `setTorrent`.
   */
  get pieces(): Bitfield | undefined {
    return this.#pieces;
  }
  /** Extension names and ids for this connection. */
  readonly extensions: ExtensionRegistry;

  #pieces: Bitfield | undefined;
  readonly #c: SessionCore;
  readonly #parser: WireParser;
  readonly #onMessage = (e: WireEvent): void => {
    if (this.closed) return;
    if (e.type === 'handshake') receiveHandshake(this, this.#c, e.infoHash, e.peerId, e.reserved);
    else receiveMessage(this, this.#c, e);
  };

  constructor(options: PeerSessionOptions) {
    if (typeof options !== 'object' || options === null) throw new WireError('WIRE_INVALID_ARGUMENT', 'PeerSession needs an options object');
    if (!(options.peerId instanceof Uint8Array) || options.peerId.length !== 20) throw new WireError('WIRE_INVALID_ARGUMENT', 'peer id must be 20 bytes');
    if (!(options.infoHash instanceof Uint8Array)) throw new WireError('WIRE_INVALID_ARGUMENT', 'info hash must be a Uint8Array');
    handshakeInfoHash(options.infoHash); // validates the size
    if (typeof options.onSend !== 'function' || typeof options.onEvent !== 'function') {
      throw new WireError('WIRE_INVALID_ARGUMENT', 'onSend and onEvent must be functions');
    }
    const c = (this.#c = new SessionCore(options));
    if (options.pieces && c.torrent && options.pieces.length !== c.torrent.pieceCount) {
      throw new WireError('WIRE_INVALID_ARGUMENT', 'pieces bitfield length differs from the torrent piece count');
    }
    // "Default: none" means an empty set, not "unknown": a session must not serve what it never announced.
    this.#pieces = options.pieces ?? (c.torrent && new Bitfield(c.torrent.pieceCount));
    const ext = options.extensions;
    this.extensions = ext instanceof ExtensionRegistry ? ext : new ExtensionRegistry(ext ?? DEFAULT_EXTENSIONS);
    this.#parser = new WireParser({ pieceCount: c.torrent?.pieceCount, maxBlockLength: c.limits.maxBlockLength });
  }

  /** Requests queued locally, not yet sent (waiting for a free slot or an unchoke). */
  get queued(): number {
    return this.#c.requests.queued;
  }

  /** Requests sent and not yet answered. */
  get outstanding(): number {
    return this.#c.requests.outstanding;
  }

  /** The peer's requests we have not answered yet. */
  get incomingRequests(): number {
    return this.#c.incoming.size;
  }

  /** How many requests we keep in flight: min(maxOutstanding, the peer's reqq). */
  get requestLimit(): number {
    return this.#c.requestLimit;
  }

  /** The torrent shape, if known. */
  get torrent(): TorrentShape | undefined {
    return this.#c.torrent;
  }

  /**
   * Sends our handshake (for outgoing connections: right away; incoming ones answer on receipt).
   * Before anything was sent or received, `now` also restarts the session's timers from this clock.
   */
  start(now?: number): void {
    const c = this.#c;
    if (now !== undefined && !c.handshakeSent && !c.handshakeReceived) {
      c.clock.restart(now);
      c.requests.rebase(now);
    } else c.setClock(now);
    if (this.closed || c.handshakeSent) return;
    c.handshakeSent = true;
    c.send(encodeHandshake({ infoHash: c.infoHash, peerId: c.peerId, reserved: c.features }));
  }

  /** Feeds received bytes. Block events carry views into `chunk`. */
  receive(chunk: Uint8Array, now?: number): void {
    if (this.closed) return;
    this.#c.setClock(now);
    this.#c.clock.lastReceived = this.#c.clock.now;
    this.#c.receiving = true;
    try {
      this.#parser.push(chunk, this.#onMessage);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      this.close(err);
      return;
    } finally {
      this.#c.receiving = false;
    }
    // Requests are sent once per chunk, not once per block, so a burst of blocks refills the
    // pipeline with a single write.
    this.#c.pump(this);
  }

  /** Advances the clock: keep-alives, request timeouts, snubbing, idle and handshake timeouts. */
  tick(now: number): void {
    if (this.closed) return;
    this.#c.setClock(now);
    runTimers(this, this.#c);
  }

  /** Sets the torrent shape once metadata is known; re-checks a bitfield that arrived before. */
  setTorrent(torrent: TorrentShape): void {
    const c = this.#c;
    if (c.torrent) {
      if (sameShape(c.torrent, torrent)) return;
      throw new WireError('WIRE_INVALID_ARGUMENT', 'the torrent shape is already set to different values');
    }
    if (this.pieces && this.pieces.length !== torrent.pieceCount) {
      throw new WireError('WIRE_INVALID_ARGUMENT', 'pieces bitfield length differs from the torrent piece count');
    }
    c.torrent = torrent;
    this.#pieces ??= new Bitfield(torrent.pieceCount);
    this.#parser.setPieceCount(torrent.pieceCount);
    if (this.closed) return;
    try {
      this.peerPieces = c.early.resolve(torrent.pieceCount);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      this.close(err);
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  // Choke and interest changes made before the handshakes are exchanged only change the state: the
  // peer would take bytes before our handshake for a foreign protocol, and BEP 6 wants our piece set
  // first. receiveHandshake announces the state that differs from the defaults right after it.

  choke(): void {
    if (this.closed || this.amChoking) return;
    this.amChoking = true;
    if (!this.#c.handshakeReceived) return;
    this.#c.send(encodeChoke());
    // Without BEP 6 a choke silently drops the peer's requests; with it each must be rejected,
    // except those for allowed-fast pieces, which stay valid.
    for (const r of this.#c.incoming.choke(this.fast)) if (this.fast) this.#c.sendBlockMessage(MessageId.reject, r);
  }

  unchoke(): void {
    if (this.closed || !this.amChoking) return;
    this.amChoking = false;
    if (this.#c.handshakeReceived) this.#c.send(encodeUnchoke());
  }

  interested(): void {
    if (this.closed || this.amInterested) return;
    this.amInterested = true;
    if (this.#c.handshakeReceived) this.#c.send(encodeInterested());
  }

  notInterested(): void {
    if (this.closed || !this.amInterested) return;
    this.amInterested = false;
    if (this.#c.handshakeReceived) this.#c.send(encodeNotInterested());
  }

  /**
   * Announces a piece we now have (and records it in `pieces`). Throws before the torrent's shape is
   * known (a magnet link before `setTorrent`): there is no piece to have yet.
   */
  have(index: number): void {
    if (!this.#pieces) throw new WireError('WIRE_INVALID_ARGUMENT', 'have() before the torrent is known (call setTorrent first)');
    if (this.pieces && !this.pieces.has(index)) this.pieces.set(index);
    if (this.closed || !this.#c.handshakeReceived) return; // else our opening piece set will include it
    this.#c.send(encodeHave(index));
  }

  /**
   * Queues a request for a block; it is sent as soon as a pipeline slot is free and the peer has
   * unchoked us (or allowed the piece fast). Returns false if the address is invalid or a duplicate.
   */
  request(index: number, begin: number, length: number): boolean {
    const c = this.#c;
    if (this.closed || !validBlock(c.torrent, index, begin, length, c.limits.maxBlockLength)) return false;
    if (!c.requests.enqueue(index, begin, length)) return false;
    if (!this.#c.receiving) this.#c.pump(this);
    return true;
  }

  /** Withdraws a request: dropped if still queued, otherwise a cancel is sent. */
  cancel(index: number, begin: number, length: number): void {
    if (this.closed) return;
    const r = this.#c.requests.withdraw(index, begin, length);
    if (!r) return;
    this.#c.sendBlockMessage(MessageId.cancel, r);
    this.#c.pump(this);
  }

  /**
   * Answers a request from the peer with a block: writes the 13-byte header, then the block as is
   * (two `onSend` calls, no copy). Returns false (and sends nothing) if the request is no longer
   * pending, e.g. because the peer cancelled it or we choked it meanwhile.
   */
  sendPiece(index: number, begin: number, block: Uint8Array): boolean {
    if (this.closed || !this.#c.incoming.take(index, begin, block.length)) return false;
    this.#c.send(encodePieceHeader(index, begin, block.length));
    this.#c.send(block);
    return true;
  }

  /** Declines a pending request from the peer (a BEP 6 reject when fast is on; otherwise just forgotten). */
  reject(index: number, begin: number, length: number): void {
    if (this.closed || !this.#c.incoming.remove(index, begin)) return;
    if (this.fast) this.#c.sendBlockMessage(MessageId.reject, { index, begin, length });
  }

  /**
   * BEP 6: lets the peer request `index` while choked. No-op without the fast extension. Throws
   * `WIRE_BAD_INDEX` for an index outside the torrent (the peer would close the connection on it).
   */
  allowFast(index: number): void {
    this.#checkIndex(index);
    if (this.closed || !this.fast) return;
    this.#c.incoming.allow(index);
    this.#c.send(encodeAllowedFast(index));
  }

  /** BEP 6: suggests the peer download `index`. No-op without the fast extension. Throws like {@link allowFast}. */
  suggest(index: number): void {
    this.#checkIndex(index);
    if (this.closed || !this.fast) return;
    this.#c.send(encodeSuggest(index));
  }

  /** BEP 5: tells the peer our DHT port (once the handshakes are exchanged, if called before). */
  sendPort(port: number): void {
    const message = encodePort(port);
    if (this.closed) return;
    if (this.#c.handshakeReceived) this.#c.send(message);
    else this.#c.pendingPort = message;
  }

  /** Sends a message of a registered extension. Returns false unless both sides support it. */
  sendExtended(name: string, payload: Uint8Array): boolean {
    if (this.closed || !this.extended || !this.extensions.supports(name)) return false;
    this.#c.send(encodeExtended(this.extensions.remoteId(name)!, payload));
    return true;
  }

  // Below the piece count once the torrent is known (what is no uint32 at all, the encoder refuses).
  #checkIndex(index: number): void {
    const t = this.#c.torrent;
    if (t && Number.isInteger(index) && index >= t.pieceCount) {
      throw new WireError('WIRE_BAD_INDEX', `piece index ${index} out of range (${t.pieceCount} pieces)`);
    }
  }

  /** Ends the session (idempotent) and reports a `closed` event. */
  close(error?: WireError): void {
    if (this.closed) return;
    this.closed = true;
    // Hand every unanswered request back so the caller can ask another peer for those blocks.
    const pending = this.#c.requests.drain();
    this.#c.incoming.clear();
    for (const r of pending) this.#c.failed(r, 'closed');
    this.#c.emit({ type: 'closed', error });
  }
}
