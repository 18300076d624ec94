// What the passage of time does to a session: the handshake and idle timeouts close it, unanswered
// requests time out (a cancel is sent and the owner asked to re-request elsewhere), a peer that
// sends no block for a while is marked snubbed, and a quiet link gets a keep-alive. Runs on
// `PeerSession.tick`, after the clock moved.
import { encodeKeepAlive } from './encode.ts';
import { WireError } from './errors.ts';
import { MessageId } from './messages.ts';
import type { PeerSession } from './session.ts';
import type { SessionCore } from './session-core.ts';

/** @internal Fires every timer of `s` that is due at `c.clock.now`. */
export function runTimers(s: PeerSession, c: SessionCore): void {
  const { clock, limits, requests } = c;
  if (!c.handshakeReceived && clock.sinceStart >= limits.handshakeTimeout) {
    s.close(new WireError('WIRE_TIMEOUT', 'no handshake from peer'));
    return;
  }
  if (clock.sinceReceived >= limits.idleTimeout) {
    s.close(new WireError('WIRE_TIMEOUT', `nothing received for ${clock.sinceReceived} ms`));
    return;
  }
  // Oldest first; each is reported before the next is looked at, so the owner may react in between.
  let failed = false;
  for (let r = requests.expire(clock.now, limits.requestTimeout); r; r = requests.expire(clock.now, limits.requestTimeout)) {
    c.sendBlockMessage(MessageId.cancel, r);
    c.failed(r, 'timeout');
    failed = true;
    if (s.closed) return;
  }
  if (!s.snubbed && requests.outstanding > 0 && clock.sinceProgress >= limits.snubTimeout) {
    s.snubbed = true;
    c.emit({ type: 'snubbed', snubbed: true });
    if (s.closed) return; // the owner dropped the snubbing peer
  }
  if (failed) c.pump(s); // slots freed by timeouts go to queued requests
  if (c.handshakeSent && clock.sinceSent >= limits.keepAliveInterval) c.send(encodeKeepAlive());
}
