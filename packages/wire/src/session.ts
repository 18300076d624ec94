// The state of one peer connection (BEP 3, with BEP 6 fast and BEP 10 extension semantics), as a
// sans-I/O state machine: feed it received bytes (`receive`), the clock (`tick`) and local commands;
// it calls `onSend` with bytes to transmit and `onEvent` with what happened. No sockets, no timers:
// time only moves when the caller passes `now`, which keeps every behaviour testable and deterministic.
import { allowedFastSet } from './allowed-fast.ts';
import { Bitfield } from './bitfield.ts';
import { blockKey } from './block-key.ts';
import {
  encodeAllowedFast, encodeBitfield, encodeChoke, encodeExtended, encodeHave, encodeHaveAll, encodeHaveNone, encodeInterested,
  encodeKeepAlive, encodeNotInterested, encodePieceHeader, encodePort, encodeReject, encodeSuggest, encodeUnchoke,
  REQUEST_LENGTH, writeBlockMessage,
} from './encode.ts';
import { WireError, type WireErrorCode } from './errors.ts';
import { sameShape, shapePieceSize, type TorrentShape } from './piece-size.ts';
import { decodeExtendedHandshake, encodeExtendedHandshake, type ExtendedHandshake } from './extension-handshake.ts';
import { ExtensionRegistry } from './extensions.ts';
import { encodeHandshake, handshakeInfoHash } from './handshake.ts';
import { MessageId, type BlockRef, type WireEvent } from './messages.ts';
import { WireParser } from './parser.ts';
import { decodeReserved, type Features } from './reserved.ts';
import type { SessionEvent } from './session-events.ts';
import type { PeerSessionOptions } from './session-options.ts';

export type { RequestFailure, SessionEvent } from './session-events.ts';
export type { PeerSessionOptions } from './session-options.ts';
export type { TorrentShape } from './piece-size.ts';


interface Outstanding extends BlockRef {
  sentAt: number;
}

const LATE_LIMIT = 1024;
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
  /** Our piece set. */
  readonly pieces: Bitfield | undefined;
  /** Extension names and ids for this connection. */
  readonly extensions: ExtensionRegistry;

  readonly #o: Required<Omit<PeerSessionOptions, 'torrent' | 'pieces' | 'extensions' | 'extendedHandshake' | 'features' | 'allowedFast' | 'now'>>;
  readonly #allowedFastGrant: PeerSessionOptions['allowedFast'];
  readonly #features: Features;
  readonly #extra: Omit<ExtendedHandshake, 'm' | 'reqq' | 'raw'>;
  readonly #parser: WireParser;
  readonly #onMessage = (e: WireEvent): void => this.#handle(e);
  #torrent: TorrentShape | undefined;
  #now: number;
  // False until the clock is known: then the first time the caller passes becomes the start time.
  #clockKnown: boolean;
  #startedAt: number;
  #lastSent: number;
  #lastReceived: number;
  #lastProgress: number;
  #handshakeSent = false;
  // While parsing a chunk, new requests only queue; one pump after the chunk sends them together.
  #receiving = false;
  #handshakeReceived = false;
  #peerReqq: number;
  // Our requests: queued (not yet sent), outstanding (sent), and recently given up (a late answer is fine).
  #queue: BlockRef[] = [];
  #queueHead = 0;
  readonly #outstanding = new Map<number | string, Outstanding>();
  readonly #late = new Map<number | string, true>();
  // The peer's requests to us, not yet answered.
  readonly #incoming = new Map<number | string, BlockRef>();
  // BEP 6 allowed-fast sets: pieces the peer lets us request while choked, and that we let it request.
  readonly #allowedFromPeer = new Set<number>();
  readonly #allowedForPeer = new Set<number>();
  // Piece availability announced before the torrent shape was known (magnet links).
  #rawBitfield: Uint8Array | undefined;
  #peerHasAll = false;
  #earlyHaves: number[] = [];

  constructor(options: PeerSessionOptions) {
    if (options.peerId.length !== 20) throw new WireError('WIRE_INVALID_ARGUMENT', 'peer id must be 20 bytes');
    handshakeInfoHash(options.infoHash); // validates the size
    const now = options.now ?? 0;
    this.#o = {
      infoHash: options.infoHash,
      peerId: options.peerId,
      onSend: options.onSend,
      onEvent: options.onEvent,
      maxOutstanding: options.maxOutstanding ?? 250,
      defaultPeerReqq: options.defaultPeerReqq ?? 250,
      reqq: options.reqq ?? 500,
      maxRequestLength: options.maxRequestLength ?? 128 * 1024,
      maxBlockLength: options.maxBlockLength ?? 128 * 1024,
      requestTimeout: options.requestTimeout ?? 60_000,
      snubTimeout: options.snubTimeout ?? 30_000,
      keepAliveInterval: options.keepAliveInterval ?? 60_000,
      idleTimeout: options.idleTimeout ?? 150_000,
      handshakeTimeout: options.handshakeTimeout ?? 30_000,
      maxViolations: options.maxViolations ?? 20,
    };
    this.#features = options.features ?? { extended: true, fast: true };
    this.#allowedFastGrant = options.allowedFast;
    this.#extra = options.extendedHandshake ?? {};
    this.#torrent = options.torrent;
    this.pieces = options.pieces;
    if (this.pieces && this.#torrent && this.pieces.length !== this.#torrent.pieceCount) {
      throw new WireError('WIRE_INVALID_ARGUMENT', 'pieces bitfield length differs from the torrent piece count');
    }
    const ext = options.extensions;
    this.extensions = ext instanceof ExtensionRegistry ? ext : new ExtensionRegistry(ext ?? DEFAULT_EXTENSIONS);
    this.#parser = new WireParser({
      pieceCount: this.#torrent?.pieceCount,
      maxBlockLength: this.#o.maxBlockLength,
    });
    this.#now = this.#startedAt = this.#lastSent = this.#lastReceived = this.#lastProgress = now;
    this.#clockKnown = options.now !== undefined;
    this.#peerReqq = this.#o.defaultPeerReqq;
  }

  /** Requests queued locally, not yet sent (waiting for a free slot or an unchoke). */
  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  /** Requests sent and not yet answered. */
  get outstanding(): number {
    return this.#outstanding.size;
  }

  /** The peer's requests we have not answered yet. */
  get incomingRequests(): number {
    return this.#incoming.size;
  }

  /** How many requests we keep in flight: min(maxOutstanding, the peer's reqq). */
  get requestLimit(): number {
    return Math.max(1, Math.min(this.#o.maxOutstanding, this.#peerReqq));
  }

  /** The torrent shape, if known. */
  get torrent(): TorrentShape | undefined {
    return this.#torrent;
  }

  /** Sends our handshake (for outgoing connections: right away; incoming ones answer on receipt). */
  start(now?: number): void {
    this.#setClock(now);
    if (this.closed || this.#handshakeSent) return;
    this.#handshakeSent = true;
    this.#send(encodeHandshake({ infoHash: this.#o.infoHash, peerId: this.#o.peerId, reserved: this.#features }));
  }

  /** Feeds received bytes. Block events carry views into `chunk`. */
  receive(chunk: Uint8Array, now?: number): void {
    if (this.closed) return;
    this.#setClock(now);
    this.#lastReceived = this.#now;
    this.#receiving = true;
    try {
      this.#parser.push(chunk, this.#onMessage);
    } catch (err) {
      if (err instanceof WireError) {
        this.close(err);
        return;
      }
      throw err;
    } finally {
      this.#receiving = false;
    }
    // Requests are sent once per chunk, not once per block, so a burst of blocks refills the
    // pipeline with a single write.
    this.#pump();
  }

  /** Advances the clock: keep-alives, request timeouts, snubbing, idle and handshake timeouts. */
  tick(now: number): void {
    if (this.closed) return;
    this.#setClock(now);
    const o = this.#o;
    if (!this.#handshakeReceived && now - this.#startedAt >= o.handshakeTimeout) {
      this.close(new WireError('WIRE_TIMEOUT', 'no handshake from peer'));
      return;
    }
    if (now - this.#lastReceived >= o.idleTimeout) {
      this.close(new WireError('WIRE_TIMEOUT', `nothing received for ${now - this.#lastReceived} ms`));
      return;
    }
    let failed = false;
    for (const [key, r] of this.#outstanding) {
      if (now - r.sentAt < o.requestTimeout) break; // the map is in send order
      this.#outstanding.delete(key);
      this.#remember(key);
      this.#sendBlockMessage(MessageId.cancel, r);
      this.#emit({ type: 'request-failed', reason: 'timeout', index: r.index, begin: r.begin, length: r.length });
      failed = true;
      if (this.closed) return;
    }
    if (!this.snubbed && this.#outstanding.size > 0 && now - this.#lastProgress >= o.snubTimeout) {
      this.snubbed = true;
      this.#emit({ type: 'snubbed', snubbed: true });
    }
    if (failed) this.#pump();
    if (this.#handshakeSent && now - this.#lastSent >= o.keepAliveInterval) this.#send(encodeKeepAlive());
  }

  /** Sets the torrent shape once metadata is known; re-checks a bitfield that arrived before. */
  setTorrent(torrent: TorrentShape): void {
    const known = this.#torrent;
    if (known) {
      if (sameShape(known, torrent)) return;
      throw new WireError('WIRE_INVALID_ARGUMENT', 'the torrent shape is already set to different values');
    }
    this.#torrent = torrent;
    this.#parser.setPieceCount(torrent.pieceCount);
    if (this.closed) return;
    try {
      if (this.#peerHasAll) this.peerPieces = Bitfield.full(torrent.pieceCount);
      else if (this.#rawBitfield) this.peerPieces = new Bitfield(torrent.pieceCount, this.#rawBitfield);
      else this.peerPieces = new Bitfield(torrent.pieceCount);
      for (const i of this.#earlyHaves) this.peerPieces.set(i);
    } catch (err) {
      if (err instanceof WireError) this.close(err);
      else throw err;
      return;
    }
    this.#rawBitfield = undefined;
    this.#earlyHaves = [];
  }

  // ---- commands -------------------------------------------------------------------------------

  choke(): void {
    if (this.closed || this.amChoking) return;
    this.amChoking = true;
    this.#send(encodeChoke());
    // Without BEP 6 a choke silently drops the peer's requests; with it each must be rejected,
    // except those for allowed-fast pieces, which stay valid.
    for (const [key, r] of this.#incoming) {
      if (this.fast && this.#allowedForPeer.has(r.index)) continue;
      this.#incoming.delete(key);
      if (this.fast) this.#sendBlockMessage(MessageId.reject, r);
    }
  }

  unchoke(): void {
    if (this.closed || !this.amChoking) return;
    this.amChoking = false;
    this.#send(encodeUnchoke());
  }

  interested(): void {
    if (this.closed || this.amInterested) return;
    this.amInterested = true;
    this.#send(encodeInterested());
  }

  notInterested(): void {
    if (this.closed || !this.amInterested) return;
    this.amInterested = false;
    this.#send(encodeNotInterested());
  }

  /** Announces a piece we now have (and records it in `pieces`). */
  have(index: number): void {
    if (this.pieces && !this.pieces.has(index)) this.pieces.set(index);
    if (this.closed || !this.#handshakeReceived) return;
    this.#send(encodeHave(index));
  }

  /**
   * Queues a request for a block; it is sent as soon as a pipeline slot is free and the peer has
   * unchoked us (or allowed the piece fast). Returns false if the address is invalid or a duplicate.
   */
  request(index: number, begin: number, length: number): boolean {
    if (this.closed || !this.#validBlock(index, begin, length, this.#o.maxBlockLength)) return false;
    const key = blockKey(index, begin);
    if (this.#outstanding.has(key)) return false;
    this.#queue.push({ index, begin, length });
    if (!this.#receiving) this.#pump();
    return true;
  }

  /** Withdraws a request: dropped if still queued, otherwise a cancel is sent. */
  cancel(index: number, begin: number, length: number): void {
    if (this.closed) return;
    const key = blockKey(index, begin);
    const r = this.#outstanding.get(key);
    if (r) {
      this.#outstanding.delete(key);
      this.#remember(key);
      this.#sendBlockMessage(MessageId.cancel, r);
      this.#pump();
      return;
    }
    for (let i = this.#queueHead; i < this.#queue.length; i++) {
      const q = this.#queue[i]!;
      if (q.index === index && q.begin === begin && q.length === length) {
        this.#queue.splice(i, 1);
        return;
      }
    }
  }

  /**
   * Answers a request from the peer with a block: writes the 13-byte header, then the block as is
   * (two `onSend` calls, no copy). Returns false (and sends nothing) if the request is no longer
   * pending, e.g. because the peer cancelled it or we choked it meanwhile.
   */
  sendPiece(index: number, begin: number, block: Uint8Array): boolean {
    if (this.closed) return false;
    const key = blockKey(index, begin);
    const r = this.#incoming.get(key);
    if (!r || r.length !== block.length) return false;
    this.#incoming.delete(key);
    this.#send(encodePieceHeader(index, begin, block.length));
    this.#send(block);
    return true;
  }

  /** Declines a pending request from the peer (a BEP 6 reject when fast is on; otherwise just forgotten). */
  reject(index: number, begin: number, length: number): void {
    if (this.closed) return;
    const key = blockKey(index, begin);
    if (!this.#incoming.delete(key)) return;
    if (this.fast) this.#sendBlockMessage(MessageId.reject, { index, begin, length });
  }

  /** BEP 6: lets the peer request `index` while choked. No-op without the fast extension. */
  allowFast(index: number): void {
    if (this.closed || !this.fast) return;
    this.#allowedForPeer.add(index);
    this.#send(encodeAllowedFast(index));
  }

  /** BEP 6: suggests the peer download `index`. No-op without the fast extension. */
  suggest(index: number): void {
    if (this.closed || !this.fast) return;
    this.#send(encodeSuggest(index));
  }

  /** BEP 5: tells the peer our DHT port. */
  sendPort(port: number): void {
    if (this.closed) return;
    this.#send(encodePort(port));
  }

  /** Sends a message of a registered extension. Returns false unless both sides support it. */
  sendExtended(name: string, payload: Uint8Array): boolean {
    if (this.closed || !this.extended || !this.extensions.supports(name)) return false;
    const id = this.extensions.remoteId(name)!;
    this.#send(encodeExtended(id, payload));
    return true;
  }

  /** Ends the session (idempotent) and reports a `closed` event. */
  close(error?: WireError): void {
    if (this.closed) return;
    this.closed = true;
    // Hand every unanswered request back so the caller can ask another peer for those blocks.
    const pending = [...this.#outstanding.values(), ...this.#queue.slice(this.#queueHead)];
    this.#outstanding.clear();
    this.#queue = [];
    this.#queueHead = 0;
    this.#incoming.clear();
    for (const r of pending) {
      this.#emit({ type: 'request-failed', reason: 'closed', index: r.index, begin: r.begin, length: r.length });
    }
    this.#emit({ type: 'closed', error });
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Moves the clock to `now` (if given); the first time given anchors every timer when `options.now` was not. */
  #setClock(now: number | undefined): void {
    if (now === undefined) return;
    if (!this.#clockKnown) {
      this.#clockKnown = true;
      this.#startedAt = this.#lastSent = this.#lastReceived = this.#lastProgress = now;
      for (const r of this.#outstanding.values()) r.sentAt = now;
    }
    this.#now = now;
  }

  #emit(e: SessionEvent): void {
    this.#o.onEvent(e);
  }

  #send(data: Uint8Array): void {
    this.#lastSent = this.#now;
    this.#o.onSend(data);
  }

  #sendBlockMessage(id: number, r: BlockRef): void {
    const out = new Uint8Array(REQUEST_LENGTH);
    writeBlockMessage(out, 0, id, r.index, r.begin, r.length);
    this.#send(out);
  }

  #violation(code: WireErrorCode, message: string): void {
    this.violations++;
    this.#emit({ type: 'violation', code, message });
    if (this.violations > this.#o.maxViolations && !this.closed) {
      this.close(new WireError('WIRE_TOO_MANY_VIOLATIONS', `${this.violations} protocol violations, last: ${message}`));
    }
  }

  #remember(key: number | string): void {
    this.#late.set(key, true);
    if (this.#late.size > LATE_LIMIT) this.#late.delete(this.#late.keys().next().value!);
  }

  #pieceSize(index: number): number {
    return shapePieceSize(this.#torrent!, index);
  }

  #validBlock(index: number, begin: number, length: number, max: number): boolean {
    if (!Number.isInteger(index) || !Number.isInteger(begin) || !Number.isInteger(length)) return false;
    if (index < 0 || begin < 0 || length <= 0 || length > max) return false;
    if (!this.#torrent) return index <= 0xffffffff && begin <= 0xffffffff;
    return index < this.#torrent.pieceCount && begin + length <= this.#pieceSize(index);
  }

  /** Sends queued requests while slots are free; when choked only allowed-fast ones. One write. */
  #pump(): void {
    if (this.closed || !this.#handshakeReceived) return;
    const free = this.requestLimit - this.#outstanding.size;
    const queue = this.#queue;
    if (free <= 0 || this.#queueHead >= queue.length) return;
    if (this.peerChoking && (!this.fast || this.#allowedFromPeer.size === 0)) return;
    let n = 0;
    let buf: Uint8Array | undefined;
    if (!this.peerChoking) {
      const count = Math.min(free, queue.length - this.#queueHead);
      buf = new Uint8Array(count * REQUEST_LENGTH);
      for (let i = 0; i < count; i++) {
        const r = queue[this.#queueHead++]!;
        const key = blockKey(r.index, r.begin);
        if (this.#outstanding.has(key)) continue;
        this.#outstanding.set(key, { index: r.index, begin: r.begin, length: r.length, sentAt: this.#now });
        writeBlockMessage(buf, n * REQUEST_LENGTH, MessageId.request, r.index, r.begin, r.length);
        n++;
      }
      if (this.#queueHead > 1024 && this.#queueHead * 2 > queue.length) {
        this.#queue = queue.slice(this.#queueHead);
        this.#queueHead = 0;
      }
    } else {
      // Choked with fast: pick out requests for allowed-fast pieces, keep the rest queued in order.
      const rest: BlockRef[] = [];
      const picked: BlockRef[] = [];
      for (let i = this.#queueHead; i < queue.length; i++) {
        const r = queue[i]!;
        if (picked.length < free && this.#allowedFromPeer.has(r.index)) picked.push(r);
        else rest.push(r);
      }
      if (picked.length === 0) return;
      this.#queue = rest;
      this.#queueHead = 0;
      buf = new Uint8Array(picked.length * REQUEST_LENGTH);
      for (const r of picked) {
        const key = blockKey(r.index, r.begin);
        if (this.#outstanding.has(key)) continue;
        this.#outstanding.set(key, { index: r.index, begin: r.begin, length: r.length, sentAt: this.#now });
        writeBlockMessage(buf, n * REQUEST_LENGTH, MessageId.request, r.index, r.begin, r.length);
        n++;
      }
    }
    if (n === 0) return;
    if (this.#outstanding.size === n) this.#lastProgress = this.#now; // pipeline was empty: snub clock starts now
    this.#send(n * REQUEST_LENGTH === buf.length ? buf : buf.subarray(0, n * REQUEST_LENGTH));
  }

  #handle(e: WireEvent): void {
    if (this.closed) return;
    if (e.type === 'handshake') {
      this.#onHandshake(e.infoHash, e.peerId, e.reserved);
      return;
    }
    switch (e.type) {
      case 'keep-alive':
        return;
      case 'choke':
        if (this.peerChoking) return;
        this.peerChoking = true;
        if (!this.fast) {
          // BEP 3: a choke discards every pending request.
          const dropped = [...this.#outstanding.values()];
          this.#outstanding.clear();
          for (const r of dropped) {
            this.#emit({ type: 'request-failed', reason: 'choked', index: r.index, begin: r.begin, length: r.length });
          }
        }
        this.#emit({ type: 'choke' });
        return;
      case 'unchoke':
        if (!this.peerChoking) return;
        this.peerChoking = false;
        this.#lastProgress = this.#now;
        this.#emit({ type: 'unchoke' });
        return;
      case 'interested':
        if (this.peerInterested) return;
        this.peerInterested = true;
        this.#emit({ type: 'interested' });
        return;
      case 'not-interested':
        if (!this.peerInterested) return;
        this.peerInterested = false;
        this.#emit({ type: 'not-interested' });
        return;
      case 'have':
        // BEP 3 lets a peer with no pieces skip the bitfield and start with haves.
        if (!this.peerPieces && this.#torrent) this.peerPieces = new Bitfield(this.#torrent.pieceCount);
        if (this.peerPieces) {
          if (!this.peerPieces.set(e.index)) return;
        } else if (this.#earlyHaves.length < 65536) {
          this.#earlyHaves.push(e.index);
        }
        this.#emit({ type: 'have', index: e.index });
        return;
      case 'bitfield':
      case 'have-all':
      case 'have-none':
        this.#onPieceSet(e.type, e.type === 'bitfield' ? e.bitfield : undefined);
        return;
      case 'request':
        this.#onRequest(e.index, e.begin, e.length);
        return;
      case 'cancel': {
        const key = blockKey(e.index, e.begin);
        if (!this.#incoming.delete(key)) return; // already answered: nothing to do
        if (this.fast) this.#sendBlockMessage(MessageId.reject, e);
        this.#emit({ type: 'cancel', index: e.index, begin: e.begin, length: e.length });
        return;
      }
      case 'piece':
        this.#onBlock(e.index, e.begin, e.block);
        return;
      case 'reject': {
        if (!this.#requireFast('reject')) return;
        const key = blockKey(e.index, e.begin);
        const r = this.#outstanding.get(key);
        if (!r || r.length !== e.length) {
          if (!this.#late.delete(key)) this.#violation('WIRE_UNEXPECTED_MESSAGE', `reject for a block never requested (${e.index}, ${e.begin})`);
          return;
        }
        this.#outstanding.delete(key);
        this.#emit({ type: 'request-failed', reason: 'rejected', index: r.index, begin: r.begin, length: r.length });
        return;
      }
      case 'suggest':
        if (this.#requireFast('suggest')) this.#emit({ type: 'suggest', index: e.index });
        return;
      case 'allowed-fast':
        if (!this.#requireFast('allowed fast')) return;
        // Bounded: a peer cannot grow this beyond the piece count, and we cap it for magnet links.
        if (this.#allowedFromPeer.size < 256 && !this.#allowedFromPeer.has(e.index)) {
          this.#allowedFromPeer.add(e.index);
          this.#emit({ type: 'allowed-fast', index: e.index });
        }
        return;
      case 'port':
        this.#emit({ type: 'port', port: e.port });
        return;
      case 'extended':
        this.#onExtended(e.id, e.payload);
        return;
      case 'unknown':
        return; // BEP 3: ignore messages we do not understand
    }
  }

  #requireFast(what: string): boolean {
    if (this.fast) return true;
    this.close(new WireError('WIRE_NOT_NEGOTIATED', `${what} message without the fast extension`));
    return false;
  }

  #onHandshake(infoHash: Uint8Array, peerId: Uint8Array, reserved: Uint8Array): void {
    const ours = handshakeInfoHash(this.#o.infoHash);
    for (let i = 0; i < 20; i++) {
      if (infoHash[i] !== ours[i]) {
        this.close(new WireError('WIRE_INFO_HASH_MISMATCH', 'peer handshake is for another torrent'));
        return;
      }
    }
    this.#handshakeReceived = true;
    this.peerId = peerId;
    const theirs = decodeReserved(reserved);
    this.fast = !!this.#features.fast && theirs.fast;
    this.extended = !!this.#features.extended && theirs.extended;
    this.start();
    this.#sendPieceSet();
    if (this.extended) {
      const h: ExtendedHandshake = { ...this.#extra, m: this.extensions.m, reqq: this.#o.reqq };
      this.#send(encodeExtended(0, encodeExtendedHandshake(h)));
    }
    const grant = this.#allowedFastGrant;
    if (this.fast && grant && this.#torrent) {
      for (const index of allowedFastSet(grant.ip, handshakeInfoHash(this.#o.infoHash), this.#torrent.pieceCount, grant.count ?? 10)) {
        if (!this.pieces || this.pieces.has(index)) this.allowFast(index);
      }
    }
    this.#emit({ type: 'handshake', peerId, reserved, features: theirs });
  }

  /** Our opening announcement: bitfield, or BEP 6 have all / have none. */
  #sendPieceSet(): void {
    const p = this.pieces;
    if (this.fast) {
      if (p && p.length > 0 && p.complete) this.#send(encodeHaveAll());
      else if (!p || p.count === 0) this.#send(encodeHaveNone());
      else this.#send(encodeBitfield(p.bytes));
    } else if (p && p.count > 0) {
      this.#send(encodeBitfield(p.bytes));
    }
  }

  #onPieceSet(kind: 'bitfield' | 'have-all' | 'have-none', raw: Uint8Array | undefined): void {
    if (kind !== 'bitfield' && !this.#requireFast(kind)) return;
    // BEP 3 wants the piece set first; in practice the BEP 10 handshake (libtorrent) or a port
    // message may precede it. Some clients (aria2) announce their piece set again later; a repeated
    // one replaces the earlier set and the haves since. Its size and spare bits were checked by the
    // parser like the first one's, so a lying bitfield still closes the session.
    const t = this.#torrent;
    if (!t) {
      this.#peerHasAll = kind === 'have-all';
      this.#rawBitfield = raw ? raw.slice() : undefined;
      this.#earlyHaves = [];
      this.#emit({ type: 'bitfield' });
      return;
    }
    const previous = this.peerPieces;
    let next: Bitfield;
    if (kind === 'have-all') next = Bitfield.full(t.pieceCount);
    else if (kind === 'have-none') next = new Bitfield(t.pieceCount);
    else next = new Bitfield(t.pieceCount, raw); // the parser validated size and spare bits
    // An identical announcement changes nothing: no event, so callers do not recount availability.
    if (previous && sameBits(previous, next)) return;
    this.peerPieces = next;
    this.#emit(previous ? { type: 'bitfield', previous } : { type: 'bitfield' });
  }

  #onRequest(index: number, begin: number, length: number): void {
    const r = { index, begin, length };
    const refuse = (): void => {
      if (this.fast) this.#sendBlockMessage(MessageId.reject, r);
    };
    if (!this.#validBlock(index, begin, length, this.#o.maxRequestLength)) {
      this.#violation('WIRE_BAD_REQUEST', `invalid request (${index}, ${begin}, ${length})`);
      refuse();
      return;
    }
    if (this.pieces && !this.pieces.has(index)) {
      this.#violation('WIRE_BAD_REQUEST', `request for piece ${index}, which we do not have`);
      refuse();
      return;
    }
    if (this.amChoking && !this.#allowedForPeer.has(index)) {
      // Not a violation: requests sent just before our choke arrived are normal.
      refuse();
      return;
    }
    if (this.#incoming.size >= this.#o.reqq) {
      this.#violation('WIRE_BAD_REQUEST', `more than ${this.#o.reqq} requests queued`);
      refuse();
      return;
    }
    const key = blockKey(index, begin);
    if (this.#incoming.has(key)) return;
    this.#incoming.set(key, r);
    this.#emit({ type: 'request', index, begin, length });
  }

  #onBlock(index: number, begin: number, block: Uint8Array): void {
    const key = blockKey(index, begin);
    const r = this.#outstanding.get(key);
    if (!r) {
      // A block we cancelled or gave up on may still arrive; it is harmless and maybe useful.
      if (this.#late.delete(key)) {
        this.#emit({ type: 'block', index, begin, block });
        return;
      }
      this.#violation('WIRE_UNEXPECTED_MESSAGE', `block never requested (${index}, ${begin}, ${block.length})`);
      return;
    }
    this.#outstanding.delete(key);
    if (block.length !== r.length) {
      this.#violation('WIRE_BAD_REQUEST', `block of ${block.length} bytes for a request of ${r.length}`);
      this.#emit({ type: 'request-failed', reason: 'invalid', index, begin, length: r.length });
      return;
    }
    this.#lastProgress = this.#now;
    if (this.snubbed) {
      this.snubbed = false;
      this.#emit({ type: 'snubbed', snubbed: false });
    }
    this.#emit({ type: 'block', index, begin, block });
  }

  #onExtended(id: number, payload: Uint8Array): void {
    if (!this.extended) {
      this.close(new WireError('WIRE_NOT_NEGOTIATED', 'extended message without the extension protocol bit'));
      return;
    }
    if (id === 0) {
      let h: ExtendedHandshake;
      try {
        h = decodeExtendedHandshake(payload);
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        this.#violation(err.code, err.message);
        return;
      }
      this.peerExtendedHandshake = h;
      this.extensions.setRemote(h.m);
      if (h.reqq !== undefined && h.reqq > 0) this.#peerReqq = h.reqq;
      this.#emit({ type: 'extended-handshake', handshake: h });
      return;
    }
    const name = this.extensions.nameOf(id);
    if (name === undefined) return; // an id we never announced: ignore, like an unknown message
    this.#emit({ type: 'extended', name, payload });
  }
}

function sameBits(a: Bitfield, b: Bitfield): boolean {
  const x = a.bytes;
  const y = b.bytes;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
