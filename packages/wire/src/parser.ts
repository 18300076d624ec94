// Incremental, bounded parser for the peer wire stream (BEP 3 framing, BEP 5/6/10 message ids).
//
// Bytes arrive in arbitrary chunks. Messages that lie wholly inside one chunk are decoded in place,
// so a piece's block is a view into that chunk (zero copy). Only a message that straddles chunks is
// assembled into a buffer of exactly its declared size, and that size is checked against the per-type
// rules *before* allocating: a 4 GiB length prefix fails on its fifth byte, never allocates.
import { assertUint32, WireError } from './errors.ts';
import { checkProtocolPrefix, HANDSHAKE_LENGTH } from './handshake.ts';
import { MessageId, type Message, type WireEvent } from './messages.ts';

/** Limits and context for {@link WireParser}. */
export interface ParserOptions {
  /** Expect the 68-byte handshake before any message. Default true. */
  handshake?: boolean;
  /**
   * Largest accepted message (length prefix value) of any type. Default 1 MiB + 13. Once the piece
   * count is known, a bitfield of exactly the size it needs is accepted even if it is longer.
   */
  maxMessageLength?: number;
  /** Largest accepted block in a piece message. Default 128 KiB. */
  maxBlockLength?: number;
  /**
   * Piece count of the torrent, when known: bitfields must then be exactly ceil(n/8) bytes with no
   * spare bits set, and every piece index must be below it. Can be set later with {@link WireParser.setPieceCount}.
   */
  pieceCount?: number;
}

/** Receives each handshake and message in stream order. */
export type WireEventHandler = (event: WireEvent) => void;

const ST_HANDSHAKE = 0;
const ST_HEADER = 1;
const ST_BODY = 2;

// Messages without a payload carry no per-instance data, so one frozen object each serves every stream.
const KEEP_ALIVE: Message = Object.freeze({ type: 'keep-alive' });
const CHOKE: Message = Object.freeze({ type: 'choke' });
const UNCHOKE: Message = Object.freeze({ type: 'unchoke' });
const INTERESTED: Message = Object.freeze({ type: 'interested' });
const NOT_INTERESTED: Message = Object.freeze({ type: 'not-interested' });
const HAVE_ALL: Message = Object.freeze({ type: 'have-all' });
const HAVE_NONE: Message = Object.freeze({ type: 'have-none' });

/** A positive whole number, or Infinity for no limit of our own (the 4-byte length prefix still bounds it). */
function positive(n: number, what: string): number {
  if (n !== Infinity && (!Number.isSafeInteger(n) || n <= 0)) throw new WireError('WIRE_INVALID_ARGUMENT', `${what} must be a positive integer or Infinity, got ${n}`);
  return n;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/**
 * Turns a byte stream into handshake and message events. Feed it with {@link push}; it keeps at most
 * one partial message between calls. After it throws a {@link WireError} it is failed for good.
 */
export class WireParser {
  /** Piece count used for bitfield and index checks (undefined until known, e.g. for magnet links). */
  pieceCount: number | undefined;
  readonly maxMessageLength: number;
  readonly maxBlockLength: number;
  /** Total bytes consumed so far (the stream offset of the next byte). */
  offset = 0;

  #state: number;
  #failed: WireError | undefined;
  #hs: Uint8Array | undefined;
  #hsFilled = 0;
  // Header of a message whose first bytes ended a chunk: up to 5 bytes (length + id).
  readonly #hdr = new Uint8Array(5);
  #hdrFilled = 0;
  // Body (everything after the length prefix) of a message straddling chunks.
  #body: Uint8Array | undefined;
  #bodyFilled = 0;

  /**
   * Throws `WIRE_INVALID_ARGUMENT` for a limit that is not a positive integer or a piece count that is
   * not one in [0, 2^32): a NaN limit would let a 4 GiB length prefix allocate its buffer.
   */
  constructor(options: ParserOptions = {}) {
    this.maxMessageLength = positive(options.maxMessageLength ?? (1 << 20) + 13, 'maxMessageLength');
    this.maxBlockLength = positive(options.maxBlockLength ?? 128 * 1024, 'maxBlockLength');
    if (options.pieceCount !== undefined) assertUint32(options.pieceCount, 'piece count');
    this.pieceCount = options.pieceCount;
    this.#state = options.handshake === false ? ST_HEADER : ST_HANDSHAKE;
  }

  /** Sets the piece count once known (e.g. after fetching metadata); later messages are checked against it. */
  setPieceCount(n: number): void {
    assertUint32(n, 'piece count');
    this.pieceCount = n;
  }

  /** Parses one chunk, calling `onEvent` for every complete handshake/message, in order. */
  push(chunk: Uint8Array, onEvent: WireEventHandler): void {
    if (this.#failed) throw this.#failed;
    try {
      this.#push(chunk, onEvent);
    } catch (err) {
      if (err instanceof WireError) this.#failed = err;
      throw err;
    }
  }

  /** Parses one chunk and returns its events as an array (convenience over {@link push}). */
  parse(chunk: Uint8Array): WireEvent[] {
    const out: WireEvent[] = [];
    this.push(chunk, (e) => out.push(e));
    return out;
  }

  #push(chunk: Uint8Array, onEvent: WireEventHandler): void {
    const end = chunk.length;
    let pos = 0;
    const base = this.offset;

    while (pos < end) {
      if (this.#state === ST_HANDSHAKE) {
        const hs = (this.#hs ??= new Uint8Array(HANDSHAKE_LENGTH));
        const take = Math.min(HANDSHAKE_LENGTH - this.#hsFilled, end - pos);
        hs.set(chunk.subarray(pos, pos + take), this.#hsFilled);
        this.#hsFilled += take;
        pos += take;
        checkProtocolPrefix(hs, this.#hsFilled, 0);
        if (this.#hsFilled < HANDSHAKE_LENGTH) break;
        this.#state = ST_HEADER;
        this.#hs = undefined;
        this.offset = base + pos;
        onEvent({ type: 'handshake', reserved: hs.subarray(20, 28), infoHash: hs.subarray(28, 48), peerId: hs.subarray(48, 68) });
        continue;
      }

      if (this.#state === ST_BODY) {
        const body = this.#body!;
        const take = Math.min(body.length - this.#bodyFilled, end - pos);
        body.set(chunk.subarray(pos, pos + take), this.#bodyFilled);
        this.#bodyFilled += take;
        pos += take;
        if (this.#bodyFilled < body.length) break;
        this.#state = ST_HEADER;
        this.#body = undefined;
        this.offset = base + pos;
        onEvent(this.#decode(body[0]!, body, 1, body.length - 1, this.offset - body.length - 4));
        continue;
      }

      // ST_HEADER with a partial header carried over from the previous chunk.
      if (this.#hdrFilled > 0) {
        const hdr = this.#hdr;
        while (pos < end && this.#hdrFilled < 5) {
          hdr[this.#hdrFilled++] = chunk[pos++]!;
          if (this.#hdrFilled === 4) {
            const len = u32(hdr, 0);
            if (len === 0) break;
            this.#checkMax(len, base + pos - 4);
          }
        }
        if (this.#hdrFilled === 4 && u32(hdr, 0) === 0) {
          this.#hdrFilled = 0;
          this.offset = base + pos;
          onEvent(KEEP_ALIVE);
          continue;
        }
        if (this.#hdrFilled < 5) break;
        this.#hdrFilled = 0;
        const len = u32(hdr, 0);
        const id = hdr[4]!;
        const start = base + pos - 5;
        this.#checkLength(len, id, start);
        if (end - pos >= len - 1) {
          // The rest of the message is in this chunk: decode from it directly.
          pos += len - 1;
          this.offset = base + pos;
          onEvent(this.#decode(id, chunk, pos - (len - 1), len - 1, start));
        } else {
          this.#startBody(len, id, chunk, pos, end);
          pos = end;
        }
        continue;
      }

      // Fast path: whole messages inside this chunk, decoded as views.
      while (end - pos >= 4) {
        const len = u32(chunk, pos);
        if (len === 0) {
          pos += 4;
          this.offset = base + pos;
          onEvent(KEEP_ALIVE);
          continue;
        }
        this.#checkMax(len, base + pos);
        if (end - pos < 5) break;
        const id = chunk[pos + 4]!;
        this.#checkLength(len, id, base + pos);
        if (end - pos - 4 < len) break;
        const start = pos;
        pos += 4 + len;
        this.offset = base + pos;
        onEvent(this.#decode(id, chunk, start + 5, len - 1, base + start));
      }
      if (pos >= end) break;
      // Leftover: an incomplete header, or a checked header whose body continues in later chunks.
      if (end - pos < 5) {
        if (end - pos === 4) this.#checkMax(u32(chunk, pos), base + pos);
        this.#hdr.set(chunk.subarray(pos, end), 0);
        this.#hdrFilled = end - pos;
      } else {
        this.#startBody(u32(chunk, pos), chunk[pos + 4]!, chunk, pos + 5, end);
      }
      pos = end;
    }
    this.offset = base + end;
  }

  #startBody(len: number, id: number, chunk: Uint8Array, from: number, end: number): void {
    // `len` was checked by #checkLength, so this allocation is bounded by the configured limits.
    const body = new Uint8Array(len);
    body[0] = id;
    body.set(chunk.subarray(from, end), 1);
    this.#body = body;
    this.#bodyFilled = 1 + (end - from);
    this.#state = ST_BODY;
  }

  /**
   * Fails as soon as the 4-byte length prefix is known to exceed the limit. The bitfield of a torrent
   * with more than 8 Mi pieces is longer than the default limit, and is what it takes to join it.
   */
  #checkMax(len: number, at: number): void {
    // The common case (within the limit) costs one comparison: the bitfield size only when over it.
    if (len > this.maxMessageLength && len !== (this.pieceCount === undefined ? 0 : Math.ceil(this.pieceCount / 8) + 1)) {
      throw new WireError('WIRE_MESSAGE_TOO_LONG', `message length ${len} exceeds limit ${this.maxMessageLength}`, at);
    }
  }

  /** Validates a declared length for a message id before anything is buffered. */
  #checkLength(len: number, id: number, at: number): void {
    this.#checkMax(len, at);
    if (len > this.maxMessageLength && id !== MessageId.bitfield) {
      throw new WireError('WIRE_MESSAGE_TOO_LONG', `message length ${len} exceeds limit ${this.maxMessageLength}`, at);
    }
    let ok: boolean;
    switch (id) {
      case MessageId.choke:
      case MessageId.unchoke:
      case MessageId.interested:
      case MessageId.notInterested:
      case MessageId.haveAll:
      case MessageId.haveNone:
        ok = len === 1;
        break;
      case MessageId.have:
      case MessageId.suggest:
      case MessageId.allowedFast:
        ok = len === 5;
        break;
      case MessageId.request:
      case MessageId.cancel:
      case MessageId.reject:
        ok = len === 13;
        break;
      case MessageId.port:
        ok = len === 3;
        break;
      case MessageId.piece:
        if (len > 9 + this.maxBlockLength) {
          throw new WireError('WIRE_MESSAGE_TOO_LONG', `block of ${len - 9} bytes exceeds limit ${this.maxBlockLength}`, at);
        }
        ok = len >= 9;
        break;
      case MessageId.bitfield:
        if (this.pieceCount !== undefined && len - 1 !== Math.ceil(this.pieceCount / 8)) {
          throw new WireError(
            'WIRE_BAD_BITFIELD',
            `bitfield of ${len - 1} bytes, expected ${Math.ceil(this.pieceCount / 8)} for ${this.pieceCount} pieces`,
            at,
          );
        }
        ok = true;
        break;
      case MessageId.extended:
        ok = len >= 2;
        break;
      default:
        ok = true;
    }
    if (!ok) throw new WireError('WIRE_BAD_LENGTH', `message id ${id} with invalid length ${len}`, at);
  }

  #index(n: number, at: number): number {
    if (this.pieceCount !== undefined && n >= this.pieceCount) {
      throw new WireError('WIRE_BAD_INDEX', `piece index ${n} out of range (${this.pieceCount} pieces)`, at);
    }
    return n;
  }

  /** Builds the message for id `id` whose payload is `b[o, o+n)`. `at` is its stream offset, for errors. */
  #decode(id: number, b: Uint8Array, o: number, n: number, at: number): Message {
    switch (id) {
      case MessageId.choke: return CHOKE;
      case MessageId.unchoke: return UNCHOKE;
      case MessageId.interested: return INTERESTED;
      case MessageId.notInterested: return NOT_INTERESTED;
      case MessageId.haveAll: return HAVE_ALL;
      case MessageId.haveNone: return HAVE_NONE;
      case MessageId.have: return { type: 'have', index: this.#index(u32(b, o), at) };
      case MessageId.suggest: return { type: 'suggest', index: this.#index(u32(b, o), at) };
      case MessageId.allowedFast: return { type: 'allowed-fast', index: this.#index(u32(b, o), at) };
      case MessageId.request:
      case MessageId.cancel:
      case MessageId.reject: {
        const type = id === MessageId.request ? 'request' : id === MessageId.cancel ? 'cancel' : 'reject';
        return { type, index: this.#index(u32(b, o), at), begin: u32(b, o + 4), length: u32(b, o + 8) };
      }
      case MessageId.piece:
        return { type: 'piece', index: this.#index(u32(b, o), at), begin: u32(b, o + 4), block: b.subarray(o + 8, o + n) };
      case MessageId.bitfield: {
        const bitfield = b.subarray(o, o + n);
        const count = this.pieceCount;
        if (count !== undefined && count % 8 !== 0 && (bitfield[n - 1]! & (0xff >>> count % 8)) !== 0) {
          throw new WireError('WIRE_BAD_BITFIELD', 'bitfield has spare bits set', at);
        }
        return { type: 'bitfield', bitfield };
      }
      case MessageId.port: return { type: 'port', port: (b[o]! << 8) | b[o + 1]! };
      case MessageId.extended: return { type: 'extended', id: b[o]!, payload: b.subarray(o + 1, o + n) };
      default: return { type: 'unknown', id, payload: b.subarray(o, o + n) };
    }
  }
}
