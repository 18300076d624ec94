// How a PeerSession reacts to each handshake and message from the peer: state changes, answers
// (rejects, our handshake and piece set), events for the owner, and violations for breaches that
// do not justify closing the connection. Split from session.ts, which holds the public surface and
// the local commands; both work on the same SessionCore.
import { allowedFastSet } from './allowed-fast.ts';
import { Bitfield } from './bitfield.ts';
import { encodeExtended, encodeInterested, encodeUnchoke } from './encode.ts';
import { WireError, type WireErrorCode } from './errors.ts';
import { decodeExtendedHandshake, encodeExtendedHandshake, type ExtendedHandshake } from './extension-handshake.ts';
import { handshakeInfoHash } from './handshake.ts';
import { MessageId, type Message } from './messages.ts';
import { announcedSet, openingAnnouncement, sameBits, type PieceSetKind } from './peer-pieces.ts';
import { decodeReserved } from './reserved.ts';
import type { PeerSession } from './session.ts';
import type { SessionCore } from './session-core.ts';

// Allowed-fast grants we honour from a peer: a peer cannot grow the set beyond the piece count, and
// for a magnet link (no piece count yet) this caps it.
const MAX_ALLOWED_FROM_PEER = 256;

/** @internal Handles the peer's handshake: checks the torrent, negotiates features, opens our side. */
export function receiveHandshake(s: PeerSession, c: SessionCore, infoHash: Uint8Array, peerId: Uint8Array, reserved: Uint8Array): void {
  const ours = handshakeInfoHash(c.infoHash);
  for (let i = 0; i < 20; i++) {
    if (infoHash[i] !== ours[i]) {
      s.close(new WireError('WIRE_INFO_HASH_MISMATCH', 'peer handshake is for another torrent'));
      return;
    }
  }
  c.handshakeReceived = true;
  s.peerId = peerId;
  const theirs = decodeReserved(reserved);
  s.fast = !!c.features.fast && theirs.fast;
  s.extended = !!c.features.extended && theirs.extended;
  s.start(); // an incoming connection answers with our handshake now
  const announcement = openingAnnouncement(s.pieces, s.fast);
  if (announcement) c.send(announcement);
  if (s.extended) {
    const h: ExtendedHandshake = { ...c.extra, m: s.extensions.m, reqq: c.limits.reqq };
    c.send(encodeExtended(0, encodeExtendedHandshake(h)));
  }
  const grant = c.allowedFastGrant;
  if (s.fast && grant && c.torrent) {
    for (const index of allowedFastSet(grant.ip, ours, c.torrent.pieceCount, grant.count)) {
      if (s.pieces?.has(index)) s.allowFast(index);
    }
  }
  // What the owner changed before the handshakes were exchanged (see PeerSession.choke).
  if (!s.amChoking) c.send(encodeUnchoke());
  if (s.amInterested) c.send(encodeInterested());
  if (c.pendingPort) c.send(c.pendingPort);
  c.pendingPort = undefined;
  c.emit({ type: 'handshake', peerId, reserved, features: theirs });
}

/** @internal Handles one message from the peer (after its handshake). */
export function receiveMessage(s: PeerSession, c: SessionCore, e: Message): void {
  switch (e.type) {
    case 'keep-alive':
      return;
    case 'choke':
      if (s.peerChoking) return;
      s.peerChoking = true;
      // BEP 3: a choke discards every pending request. With BEP 6 the peer rejects each one instead.
      // One at a time: if the owner closes the session meanwhile, close() reports the rest.
      if (!s.fast) {
        for (let r = c.requests.dropOldest(); r; r = c.requests.dropOldest()) {
          c.failed(r, 'choked');
          if (s.closed) return;
        }
      }
      c.emit({ type: 'choke' });
      return;
    case 'unchoke':
      if (!s.peerChoking) return;
      s.peerChoking = false;
      c.clock.lastProgress = c.clock.now; // the snub clock restarts: the peer had no chance to answer
      c.emit({ type: 'unchoke' });
      return;
    case 'interested':
      if (s.peerInterested) return;
      s.peerInterested = true;
      c.emit({ type: 'interested' });
      return;
    case 'not-interested':
      if (!s.peerInterested) return;
      s.peerInterested = false;
      c.emit({ type: 'not-interested' });
      return;
    case 'have':
      // BEP 3 lets a peer with no pieces skip the bitfield and start with haves.
      if (!s.peerPieces && c.torrent) s.peerPieces = new Bitfield(c.torrent.pieceCount);
      if (s.peerPieces) {
        if (!s.peerPieces.set(e.index)) return;
      } else if (!c.early.have(e.index)) {
        return;
      }
      c.emit({ type: 'have', index: e.index });
      return;
    case 'bitfield':
    case 'have-all':
    case 'have-none':
      receivePieceSet(s, c, e.type, e.type === 'bitfield' ? e.bitfield : undefined);
      return;
    case 'request':
      receiveRequest(s, c, e.index, e.begin, e.length);
      return;
    case 'cancel':
      // Only the request it names, length included: a cancel of another length must not void a
      // pending request that, with BEP 6, is then never answered by a block or a reject.
      if (!c.incoming.take(e.index, e.begin, e.length)) return; // already answered: nothing to do
      if (s.fast) c.sendBlockMessage(MessageId.reject, e);
      c.emit({ type: 'cancel', index: e.index, begin: e.begin, length: e.length });
      return;
    case 'piece':
      receiveBlock(s, c, e.index, e.begin, e.block);
      return;
    case 'reject': {
      if (!requireFast(s, 'reject')) return;
      const r = c.requests.reject(e.index, e.begin, e.length);
      if (r === undefined) violation(s, c, 'WIRE_UNEXPECTED_MESSAGE', `reject for a block never requested (${e.index}, ${e.begin})`);
      else if (r !== 'late') c.failed(r, 'rejected');
      return;
    }
    case 'suggest':
      if (requireFast(s, 'suggest')) c.emit({ type: 'suggest', index: e.index });
      return;
    case 'allowed-fast':
      if (!requireFast(s, 'allowed fast')) return;
      if (c.allowedFromPeer.size < MAX_ALLOWED_FROM_PEER && !c.allowedFromPeer.has(e.index)) {
        c.allowedFromPeer.add(e.index);
        c.emit({ type: 'allowed-fast', index: e.index });
      }
      return;
    case 'port':
      c.emit({ type: 'port', port: e.port });
      return;
    case 'extended':
      receiveExtended(s, c, e.id, e.payload);
      return;
    case 'unknown':
      return; // BEP 3: ignore messages we do not understand
  }
}

/** Counts a breach that does not close the connection by itself; too many do. */
function violation(s: PeerSession, c: SessionCore, code: WireErrorCode, message: string): void {
  if (s.closed) return; // the owner closed the session from an event of this same message
  s.violations++;
  c.emit({ type: 'violation', code, message });
  if (s.violations > c.limits.maxViolations && !s.closed) {
    s.close(new WireError('WIRE_TOO_MANY_VIOLATIONS', `${s.violations} protocol violations, last: ${message}`));
  }
}

/** BEP 6 messages need the fast extension on both sides; without it they close the connection. */
function requireFast(s: PeerSession, what: string): boolean {
  if (s.fast) return true;
  s.close(new WireError('WIRE_NOT_NEGOTIATED', `${what} message without the fast extension`));
  return false;
}

function receivePieceSet(s: PeerSession, c: SessionCore, kind: PieceSetKind, raw: Uint8Array | undefined): void {
  if (kind !== 'bitfield' && !requireFast(s, kind)) return;
  // BEP 3 wants the piece set first; in practice the BEP 10 handshake (libtorrent) or a port
  // message may precede it. Some clients (aria2) announce their piece set again later; a repeated
  // one replaces the earlier set and the haves since. Its size and spare bits were checked by the
  // parser like the first one's, so a lying bitfield still closes the session.
  const t = c.torrent;
  if (!t) {
    c.early.announce(kind, raw);
    c.emit({ type: 'bitfield' });
    return;
  }
  const previous = s.peerPieces;
  const next = announcedSet(kind, raw, t.pieceCount);
  // An identical announcement changes nothing: no event, so callers do not recount availability.
  if (previous && sameBits(previous, next)) return;
  s.peerPieces = next;
  c.emit(previous ? { type: 'bitfield', previous } : { type: 'bitfield' });
}

function receiveRequest(s: PeerSession, c: SessionCore, index: number, begin: number, length: number): void {
  const verdict = c.incoming.admit(index, begin, length, c.torrent, s.pieces, s.amChoking);
  if (verdict.outcome === 'queued') {
    c.emit({ type: 'request', index, begin, length });
    return;
  }
  if (verdict.outcome === 'duplicate') return;
  if (verdict.violation !== undefined) violation(s, c, 'WIRE_BAD_REQUEST', verdict.violation);
  // BEP 6 wants every refused request rejected; BEP 3 has no way to say no.
  if (s.fast && !s.closed) c.sendBlockMessage(MessageId.reject, { index, begin, length });
}

function receiveBlock(s: PeerSession, c: SessionCore, index: number, begin: number, block: Uint8Array): void {
  const sent = c.requests.find(index, begin);
  if (sent && sent.length === block.length) {
    c.clock.lastProgress = c.clock.now;
    if (s.snubbed) {
      s.snubbed = false;
      c.emit({ type: 'snubbed', snubbed: false });
      // Closed by the owner: the request is still outstanding, so close() reported it as failed.
      if (s.closed) return;
    }
  }
  const r = c.requests.answer(index, begin, block.length);
  if (r !== undefined && 'late' in r) {
    // A block we cancelled or gave up on may still arrive and is welcome if it is what we asked for.
    // Its length is all there is to check: request() checked that length against the piece.
    if (block.length === r.length) c.emit({ type: 'block', index, begin, block });
    else violation(s, c, 'WIRE_BAD_REQUEST', `late block of ${block.length} bytes for a request of ${r.length}`);
    return;
  }
  if (r === undefined) {
    violation(s, c, 'WIRE_UNEXPECTED_MESSAGE', `block never requested (${index}, ${begin}, ${block.length})`);
    return;
  }
  if (block.length !== r.length) {
    // Reported before the violation, which may close the session: the request is no longer pending.
    c.failed(r, 'invalid');
    violation(s, c, 'WIRE_BAD_REQUEST', `block of ${block.length} bytes for a request of ${r.length}`);
    return;
  }
  c.emit({ type: 'block', index, begin, block });
}

function receiveExtended(s: PeerSession, c: SessionCore, id: number, payload: Uint8Array): void {
  if (!s.extended) {
    s.close(new WireError('WIRE_NOT_NEGOTIATED', 'extended message without the extension protocol bit'));
    return;
  }
  if (id !== 0) {
    const name = s.extensions.nameOf(id);
    if (name !== undefined) c.emit({ type: 'extended', name, payload }); // else an id we never announced: ignored
    return;
  }
  let h: ExtendedHandshake;
  try {
    // Decoded from a copy: the handshake is kept (peerExtendedHandshake) and its byte strings would
    // otherwise be views into the received chunk, which the caller may reuse, and whose whole buffer
    // (for outgoing connections on Node, a 256 KiB read slab) a 4-byte `yourip` view would keep
    // alive for the rest of the connection.
    h = decodeExtendedHandshake(payload.slice());
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    violation(s, c, err.code, err.message);
    return;
  }
  s.peerExtendedHandshake = h;
  s.extensions.setRemote(h.m);
  if (h.reqq !== undefined && h.reqq > 0) c.peerReqq = h.reqq;
  c.emit({ type: 'extended-handshake', handshake: h });
}
