// Test harness: misbehaving peers for the bad-input tests. Each one listens on 127.0.0.1 port 0,
// completes the handshake, then breaks the protocol in one specific way.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { WireParser, encodeBitfield, encodeHandshake, encodePiece, encodeUnchoke } from '@torrentkit/wire';
import { randomPeerId } from './wire-session.ts';

export type Misbehaviour =
  /** Random bytes right after the handshake. */
  | 'garbage'
  /** A bitfield with the spare bits at the end set. */
  | 'spare-bits'
  /** Claims every piece, then sends random data for each request (fails the hash check). */
  | 'wrong-data'
  /** Claims every piece, then answers the first request with a block nobody asked for. */
  | 'unrequested'
  /** Claims every piece, then answers with blocks one byte short. */
  | 'wrong-length'
  /** Claims every piece, unchokes, and never answers a request. */
  | 'silent';

export class FakePeer {
  readonly behaviour: Misbehaviour;
  readonly pieceCount: number;
  readonly infoHash: Uint8Array;
  readonly sockets = new Set<Socket>();
  requestsSeen = 0;
  /** For 'unrequested': the piece the stray block claims to belong to (default: 7 after the request's). */
  unrequestedIndex: number | undefined;
  #server: Server | undefined;

  constructor(behaviour: Misbehaviour, infoHash: Uint8Array, pieceCount: number, unrequestedIndex?: number) {
    this.behaviour = behaviour;
    this.unrequestedIndex = unrequestedIndex;
    this.infoHash = infoHash;
    this.pieceCount = pieceCount;
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.#server = createServer((s) => this.#serve(s));
      this.#server.listen(0, '127.0.0.1', () => resolve((this.#server!.address() as { port: number }).port));
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  #serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const n = this.pieceCount;
    const full = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
    if (n % 8) full[full.length - 1] = (0xff << (8 - (n % 8))) & 0xff;
    const parser = new WireParser({ pieceCount: n });
    socket.on('data', (chunk: Uint8Array) => {
      try {
        parser.push(chunk, (ev) => {
          if (ev.type === 'handshake') {
            socket.write(encodeHandshake({ infoHash: this.infoHash, peerId: randomPeerId() }));
            switch (this.behaviour) {
              case 'garbage':
                socket.write(randomBytes(4096));
                return;
              case 'spare-bits':
                socket.write(encodeBitfield(new Uint8Array(full.length).fill(0xff)));
                return;
              default:
                socket.write(encodeBitfield(full));
                socket.write(encodeUnchoke());
                return;
            }
          }
          if (ev.type !== 'request') return;
          this.requestsSeen++;
          const { index, begin, length } = ev;
          switch (this.behaviour) {
            case 'wrong-data':
              socket.write(encodePiece(index, begin, randomBytes(length)));
              return;
            case 'unrequested':
              socket.write(encodePiece(this.unrequestedIndex ?? (index + 7) % n, begin, randomBytes(length)));
              return;
            case 'wrong-length':
              socket.write(encodePiece(index, begin, randomBytes(length - 1)));
              return;
            default:
              return;
          }
        });
      } catch {
        socket.destroy();
      }
    });
  }
}
