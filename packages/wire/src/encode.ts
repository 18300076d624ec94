// Message encoders (BEP 3, 5, 6, 10). Every message is <4-byte big-endian length><1-byte id><payload>,
// except keep-alive, which is a bare zero length. The hot paths (request, piece header) write into a
// caller's buffer so a sender can batch many messages into one write without per-message allocation.
import { assertUint32, WireError } from './errors.ts';
import { MessageId, type BlockRef, type Message } from './messages.ts';

/** Size of a piece message header: length (4) + id (1) + index (4) + begin (4). */
export const PIECE_HEADER_LENGTH = 13;
/** Size of a complete request, cancel or reject message. */
export const REQUEST_LENGTH = 17;

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function writeU32(buf: Uint8Array, o: number, n: number): void {
  buf[o] = n >>> 24;
  buf[o + 1] = n >>> 16;
  buf[o + 2] = n >>> 8;
  buf[o + 3] = n;
}

function bare(id: number): Uint8Array {
  return Uint8Array.of(0, 0, 0, 1, id);
}

function withIndex(id: number, index: number): Uint8Array {
  assertUint32(index, 'piece index');
  const out = new Uint8Array(9);
  writeU32(out, 0, 5);
  out[4] = id;
  writeU32(out, 5, index);
  return out;
}

/** A keep-alive: four zero bytes. */
export const encodeKeepAlive = (): Uint8Array => new Uint8Array(4);
/** Choke (id 0): we will not serve the peer's requests. */
export const encodeChoke = (): Uint8Array => bare(MessageId.choke);
/** Unchoke (id 1). */
export const encodeUnchoke = (): Uint8Array => bare(MessageId.unchoke);
/** Interested (id 2): we want pieces the peer has. */
export const encodeInterested = (): Uint8Array => bare(MessageId.interested);
/** Not interested (id 3). */
export const encodeNotInterested = (): Uint8Array => bare(MessageId.notInterested);
/** BEP 6 have all. */
export const encodeHaveAll = (): Uint8Array => bare(MessageId.haveAll);
/** BEP 6 have none. */
export const encodeHaveNone = (): Uint8Array => bare(MessageId.haveNone);
/** Have (id 4): we completed and verified piece `index`. */
export const encodeHave = (index: number): Uint8Array => withIndex(MessageId.have, index);
/** BEP 6 suggest piece. */
export const encodeSuggest = (index: number): Uint8Array => withIndex(MessageId.suggest, index);
/** BEP 6 allowed fast. */
export const encodeAllowedFast = (index: number): Uint8Array => withIndex(MessageId.allowedFast, index);

/** A bitfield message around the given raw bitfield bytes (copied). */
export function encodeBitfield(bitfield: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + bitfield.length);
  writeU32(out, 0, 1 + bitfield.length);
  out[4] = MessageId.bitfield;
  out.set(bitfield, 5);
  return out;
}

function checkBlock(b: BlockRef): void {
  assertUint32(b.index, 'piece index');
  assertUint32(b.begin, 'block offset');
  assertUint32(b.length, 'block length');
}

/**
 * Writes a 17-byte request (id 6), cancel (id 8) or reject (id 16) into `out` at `offset`; returns
 * the offset after it. Lets a sender put a whole pipeline of requests into one buffer.
 */
export function writeBlockMessage(out: Uint8Array, offset: number, id: number, index: number, begin: number, length: number): number {
  writeU32(out, offset, 13);
  out[offset + 4] = id;
  writeU32(out, offset + 5, index);
  writeU32(out, offset + 9, begin);
  writeU32(out, offset + 13, length);
  return offset + REQUEST_LENGTH;
}

function block(id: number, b: BlockRef): Uint8Array {
  checkBlock(b);
  const out = new Uint8Array(REQUEST_LENGTH);
  writeBlockMessage(out, 0, id, b.index, b.begin, b.length);
  return out;
}

/** Request (id 6) for `length` bytes at `begin` in piece `index`. */
export const encodeRequest = (b: BlockRef): Uint8Array => block(MessageId.request, b);
/** Cancel (id 8) of an earlier request. */
export const encodeCancel = (b: BlockRef): Uint8Array => block(MessageId.cancel, b);
/** BEP 6 reject request. */
export const encodeReject = (b: BlockRef): Uint8Array => block(MessageId.reject, b);

/**
 * Writes the 13-byte header of a piece message carrying `blockLength` bytes into `out` at `offset`
 * (default: a fresh buffer). Send the header, then the block itself, e.g. with one writev: the block
 * is never copied.
 */
export function encodePieceHeader(
  index: number,
  begin: number,
  blockLength: number,
  out: Uint8Array = new Uint8Array(PIECE_HEADER_LENGTH),
  offset = 0,
): Uint8Array {
  if (blockLength > 0xffffffff - 9) throw new WireError('WIRE_INVALID_ARGUMENT', 'block too long');
  writeU32(out, offset, 9 + blockLength);
  out[offset + 4] = MessageId.piece;
  writeU32(out, offset + 5, index);
  writeU32(out, offset + 9, begin);
  return out;
}

/** A whole piece message (header + copied block). Convenient; senders of bulk data use {@link encodePieceHeader}. */
export function encodePiece(index: number, begin: number, block: Uint8Array): Uint8Array {
  assertUint32(index, 'piece index');
  assertUint32(begin, 'block offset');
  const out = new Uint8Array(PIECE_HEADER_LENGTH + block.length);
  encodePieceHeader(index, begin, block.length, out, 0);
  out.set(block, PIECE_HEADER_LENGTH);
  return out;
}

/** BEP 5 port message. */
export function encodePort(port: number): Uint8Array {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `port must be in [0, 65535], got ${port}`);
  }
  return Uint8Array.of(0, 0, 0, 3, MessageId.port, port >>> 8, port & 0xff);
}

/** BEP 10 extended message: id 20, then the extended message id (0 = handshake), then `payload`. */
export function encodeExtended(extendedId: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(extendedId) || extendedId < 0 || extendedId > 255) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `extended message id must be in [0, 255], got ${extendedId}`);
  }
  const out = new Uint8Array(6 + payload.length);
  view(out).setUint32(0, 2 + payload.length);
  out[4] = MessageId.extended;
  out[5] = extendedId;
  out.set(payload, 6);
  return out;
}

/** Encodes any {@link Message} (a piece's block is copied; use {@link encodePieceHeader} on hot paths). */
export function encodeMessage(msg: Message): Uint8Array {
  switch (msg.type) {
    case 'keep-alive': return encodeKeepAlive();
    case 'choke': return encodeChoke();
    case 'unchoke': return encodeUnchoke();
    case 'interested': return encodeInterested();
    case 'not-interested': return encodeNotInterested();
    case 'have': return encodeHave(msg.index);
    case 'bitfield': return encodeBitfield(msg.bitfield);
    case 'request': return encodeRequest(msg);
    case 'piece': return encodePiece(msg.index, msg.begin, msg.block);
    case 'cancel': return encodeCancel(msg);
    case 'port': return encodePort(msg.port);
    case 'suggest': return encodeSuggest(msg.index);
    case 'have-all': return encodeHaveAll();
    case 'have-none': return encodeHaveNone();
    case 'reject': return encodeReject(msg);
    case 'allowed-fast': return encodeAllowedFast(msg.index);
    case 'extended': return encodeExtended(msg.id, msg.payload);
    case 'unknown': {
      if (!Number.isInteger(msg.id) || msg.id < 0 || msg.id > 255) {
        throw new WireError('WIRE_INVALID_ARGUMENT', `message id must be in [0, 255], got ${msg.id}`);
      }
      const out = new Uint8Array(5 + msg.payload.length);
      writeU32(out, 0, 1 + msg.payload.length);
      out[4] = msg.id;
      out.set(msg.payload, 5);
      return out;
    }
  }
}
