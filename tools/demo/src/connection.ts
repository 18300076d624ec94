// One peer connection of the demo: @torrentkit/wire's sans-I/O PeerSession driven over its TCP
// transport, plus the bookkeeping a peer needs per connection (pieces in progress, bytes moved).
import { randomBytes } from 'node:crypto';
import { PeerSession, type Bitfield, type SessionEvent, type TorrentShape } from '@torrentkit/wire';
import { connect, runSession, type TcpConnection } from '@torrentkit/wire/tcp';

/** A fresh peer id in the Azureus style most clients use: `-TK0001-` and 12 random bytes. */
export function newPeerId(): Uint8Array {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode('-TK0001-'));
  id.set(randomBytes(12), 8);
  return id;
}

/** What a connection needs to speak for one torrent. */
export interface ConnectionOptions {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  torrent: TorrentShape;
  /** Our piece set, shared by every connection of the peer (the session reads it for the bitfield). */
  have: Bitfield;
  /** Most block requests in flight to this peer. */
  pipeline: number;
}

/** A live connection: the session, the socket, and what we are doing with this peer. */
export class Connection {
  readonly session: PeerSession;
  readonly socket: TcpConnection;
  /** We dialled it (true) or it dialled us. */
  readonly outgoing: boolean;
  /** Pieces whose blocks we are fetching from this peer. */
  readonly pieces = new Set<number>();
  /** Block requests sent or queued and not yet answered. */
  asked = 0;
  downloaded = 0;
  uploaded = 0;
  /** Why it ended, once it has. */
  reason: string | undefined;

  constructor(socket: TcpConnection, outgoing: boolean, options: ConnectionOptions, onEvent: (c: Connection, e: SessionEvent) => void) {
    this.socket = socket;
    this.outgoing = outgoing;
    this.session = new PeerSession({
      infoHash: options.infoHash,
      peerId: options.peerId,
      torrent: options.torrent,
      pieces: options.have,
      // BEP 6 (fast) gives have-all/have-none and explicit rejects; the extension protocol is not needed
      // because every peer already has the torrent file.
      features: { extended: false, fast: true },
      maxOutstanding: options.pipeline,
      requestTimeout: 15_000,
      onSend: (d) => socket.write(d),
      onEvent: (e) => {
        if (e.type === 'closed' && !this.reason) this.reason = e.error ? `${e.error.code}: ${e.error.message}` : 'closed';
        onEvent(this, e);
      },
    });
    void runSession(socket, this.session, { tickInterval: 500 });
  }

  /** Dials a peer; rejects when it cannot connect within 5 s. */
  static async dial(host: string, port: number, options: ConnectionOptions, onEvent: (c: Connection, e: SessionEvent) => void): Promise<Connection> {
    const socket = await connect({ host, port, timeout: 5_000 });
    return new Connection(socket, true, options, onEvent);
  }

  get closed(): boolean {
    return this.session.closed;
  }

  /** `host:port` of the other end. */
  get address(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  /** Ends the session and the socket; `reason` is kept for the log. */
  drop(reason: string): void {
    if (this.session.closed) return;
    this.reason = reason;
    this.session.close();
    this.socket.destroy();
  }
}
