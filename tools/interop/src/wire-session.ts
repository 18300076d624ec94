// Test harness: one peer connection = @torrentkit/wire's PeerSession driven over its TCP transport.
// Owners get the session's events plus a small report of what the peer said and why it was dropped.
import { randomBytes } from 'node:crypto';
import { Bitfield as WireBitfield, PeerSession, type SessionEvent, type TorrentShape } from '@torrentkit/wire';
import { connect, runSession, type TcpConnection } from '@torrentkit/wire/tcp';

export const randomPeerId = (): Uint8Array => {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode('-TK0001-'));
  id.set(randomBytes(12), 8);
  return id;
};

export interface PeerReport {
  name: string;
  fast: boolean;
  extended: boolean;
  client?: string;
  metadataSize?: number;
  /** Why the connection ended (the session's error code and message, or our reason). */
  dropped?: string;
  blocks: number;
}

export interface PeerOptions {
  infoHash: Uint8Array;
  fast: boolean;
  torrent?: TorrentShape;
  pieces?: WireBitfield;
  maxOutstanding?: number;
  requestTimeout?: number;
  metadataSize?: number;
}

/** A session on a connection, with a report. `drop(reason)` ends both. */
export class Peer {
  readonly session: PeerSession;
  readonly conn: TcpConnection;
  readonly report: PeerReport;
  #reason: string | undefined;

  constructor(conn: TcpConnection, options: PeerOptions, onEvent: (peer: Peer, e: SessionEvent) => void) {
    this.conn = conn;
    this.report = { name: `${conn.remoteAddress}:${conn.remotePort}`, fast: false, extended: false, blocks: 0 };
    const extra: { v: string; metadata_size?: number } = { v: 'torrentkit-interop 0.1' };
    if (options.metadataSize) extra.metadata_size = options.metadataSize;
    this.session = new PeerSession({
      infoHash: options.infoHash,
      peerId: randomPeerId(),
      onSend: (d) => conn.write(d),
      onEvent: (e) => {
        if (e.type === 'handshake') {
          this.report.fast = this.session.fast;
          this.report.extended = this.session.extended;
        } else if (e.type === 'extended-handshake') {
          this.report.client = e.handshake.v;
          this.report.metadataSize = e.handshake.metadata_size;
        } else if (e.type === 'closed') {
          this.report.dropped = this.#reason ?? (e.error ? `${e.error.code}: ${e.error.message}` : 'closed');
        }
        onEvent(this, e);
      },
      features: { extended: true, fast: options.fast },
      extensions: ['ut_metadata'],
      extendedHandshake: extra,
      reqq: 1024,
      ...(options.torrent ? { torrent: options.torrent } : {}),
      ...(options.pieces ? { pieces: options.pieces } : {}),
      ...(options.maxOutstanding ? { maxOutstanding: options.maxOutstanding } : {}),
      ...(options.requestTimeout ? { requestTimeout: options.requestTimeout } : {}),
    });
    void runSession(conn, this.session, { tickInterval: 250 });
  }

  static async dial(host: string, port: number, options: PeerOptions, onEvent: (peer: Peer, e: SessionEvent) => void, localAddress?: string): Promise<Peer> {
    const conn = await connect(localAddress ? { host, port, localAddress, timeout: 10_000 } : { host, port, timeout: 10_000 });
    return new Peer(conn, options, onEvent);
  }

  get closed(): boolean {
    return this.session.closed;
  }

  drop(reason: string): void {
    if (this.session.closed) return;
    this.#reason = reason;
    this.session.close();
    this.conn.destroy();
  }
}
