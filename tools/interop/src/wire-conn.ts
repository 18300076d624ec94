// Test harness: one peer connection over node:net driven by @torrentkit/wire's codec. It does the
// handshake and BEP 10 extension handshake and hands every later message to its owner. A protocol
// error or a call to drop() ends the connection; nothing here throws into the owner.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import {
  WireParser,
  decodeExtendedHandshake,
  decodeReserved,
  encodeExtended,
  encodeExtendedHandshake,
  encodeHandshake,
  type ExtendedHandshake,
  type Handshake,
  type Message,
} from '@torrentkit/wire';

export interface ConnOptions {
  infoHash: Uint8Array;
  /** Offer the BEP 6 fast extension. */
  fast: boolean;
  /** Our extension handshake (`m` names our ids); sent when the peer also has BEP 10. */
  extended: Omit<ExtendedHandshake, 'raw'>;
  pieceCount?: number;
}

export interface ConnHandlers {
  onReady?(conn: PeerConn): void;
  onExtendedHandshake?(conn: PeerConn, h: ExtendedHandshake): void;
  onMessage(conn: PeerConn, msg: Message): void;
  onClose?(conn: PeerConn, reason: string): void;
}

export const randomPeerId = (): Uint8Array => {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode('-TK0001-'));
  id.set(randomBytes(12), 8);
  return id;
};

/** One connection. `fast` / `extended` say what both sides agreed on, once the handshake arrived. */
export class PeerConn {
  readonly socket: Socket;
  readonly parser: WireParser;
  readonly options: ConnOptions;
  readonly handlers: ConnHandlers;
  readonly name: string;
  peerHandshake: Handshake | undefined;
  peerExtended: ExtendedHandshake | undefined;
  fast = false;
  extended = false;
  closed = false;
  closeReason = '';

  constructor(socket: Socket, options: ConnOptions, handlers: ConnHandlers, name = `${socket.remoteAddress}:${socket.remotePort}`) {
    this.socket = socket;
    this.options = options;
    this.handlers = handlers;
    this.name = name;
    this.parser = new WireParser({ pieceCount: options.pieceCount });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Uint8Array) => this.#onData(chunk));
    socket.on('error', (e) => this.drop(`socket error: ${e.message}`));
    socket.on('close', () => this.drop('closed by peer'));
    this.send(encodeHandshake({ infoHash: options.infoHash, peerId: randomPeerId(), reserved: { extended: true, fast: options.fast } }));
  }

  static dial(host: string, port: number, options: ConnOptions, handlers: ConnHandlers, localAddress?: string): PeerConn {
    const socket = connect(localAddress ? { host, port, localAddress } : { host, port });
    return new PeerConn(socket, options, handlers, `${host}:${port}`);
  }

  send(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Sends the extended message `name` if the peer supports it; returns whether it did. */
  sendExtended(name: string, payload: Uint8Array): boolean {
    const id = this.peerExtended?.m[name];
    if (!id) return false;
    this.send(encodeExtended(id, payload));
    return true;
  }

  drop(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.socket.destroy();
    this.handlers.onClose?.(this, reason);
  }

  #onData(chunk: Uint8Array): void {
    if (this.closed) return;
    try {
      this.parser.push(chunk, (ev) => {
        if (this.closed) return;
        if (ev.type === 'handshake') {
          if (!equal(ev.infoHash, this.options.infoHash.subarray(0, 20))) return this.drop('info hash mismatch');
          this.peerHandshake = { ...ev, reserved: ev.reserved.slice(), peerId: ev.peerId.slice(), infoHash: ev.infoHash.slice() };
          const f = decodeReserved(ev.reserved);
          this.fast = f.fast && this.options.fast;
          this.extended = f.extended;
          if (this.extended) this.send(encodeExtended(0, encodeExtendedHandshake(this.options.extended)));
          this.handlers.onReady?.(this);
          return;
        }
        if (ev.type === 'extended' && ev.id === 0) {
          this.peerExtended = decodeExtendedHandshake(ev.payload);
          this.handlers.onExtendedHandshake?.(this, this.peerExtended);
          return;
        }
        this.handlers.onMessage(this, ev);
      });
    } catch (e) {
      this.drop(`protocol error: ${(e as Error).message}`);
    }
  }
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
