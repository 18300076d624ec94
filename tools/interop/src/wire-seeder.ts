// Test harness: a seeder built of @torrentkit/wire and @torrentkit/storage. It accepts connections (and
// can dial leechers that do not dial out, like Transmission on 127.x), announces every piece (have-all
// with the fast extension, a full bitfield without), serves the info dict over ut_metadata, unchokes
// whoever is interested and answers requests from storage with zero-copy piece messages.
import { createServer, type Server, type Socket } from 'node:net';
import {
  MAX_METADATA_SIZE,
  METADATA_PIECE_SIZE,
  MessageId,
  decodeMetadataMessage,
  encodeBitfield,
  encodeMetadataMessage,
  encodePieceHeader,
  encodeReject,
  encodeUnchoke,
  type Message,
} from '@torrentkit/wire';
import { Bitfield, type Storage } from '@torrentkit/storage';
import { PeerConn, type ConnOptions } from './wire-conn.ts';

export interface SeederOptions {
  infoHash: Uint8Array;
  infoBytes: Uint8Array;
  storage: Storage;
  fast: boolean;
  host?: string;
}

export interface SeederStats {
  connections: number;
  blocksServed: number;
  bytesServed: number;
  metadataPiecesServed: number;
  dropped: string[];
}

const UT_METADATA_ID = 3; // the id we ask peers to use for ut_metadata messages sent to us
const MAX_BLOCK = 128 * 1024;

export class Seeder {
  readonly options: SeederOptions;
  readonly stats: SeederStats = { connections: 0, blocksServed: 0, bytesServed: 0, metadataPiecesServed: 0, dropped: [] };
  readonly conns = new Set<PeerConn>();
  #server: Server | undefined;

  constructor(options: SeederOptions) {
    this.options = options;
  }

  /** Starts listening on `host` (default 127.0.0.1), port 0; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.#adopt(socket));
      this.#server = server;
      server.on('error', reject);
      server.listen(0, this.options.host ?? '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
  }

  /** Dials a leecher (for clients that only accept incoming connections on loopback). */
  connect(host: string, port: number): PeerConn {
    const conn = PeerConn.dial(host, port, this.#connOptions(), this.#handlers());
    this.conns.add(conn);
    this.stats.connections++;
    return conn;
  }

  close(): Promise<void> {
    for (const c of this.conns) c.drop('seeder closing');
    const closed = new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    return closed.then(() => this.options.storage.close());
  }

  #adopt(socket: Socket): void {
    const conn = new PeerConn(socket, this.#connOptions(), this.#handlers());
    this.conns.add(conn);
    this.stats.connections++;
  }

  #connOptions(): ConnOptions {
    return {
      infoHash: this.options.infoHash,
      fast: this.options.fast,
      pieceCount: this.options.storage.layout.pieceCount,
      extended: { m: { ut_metadata: UT_METADATA_ID }, v: 'torrentkit-interop 0.1', reqq: 1024, metadata_size: this.options.infoBytes.length },
    };
  }

  #handlers() {
    const { storage } = this.options;
    const layout = storage.layout;
    return {
      onReady: (c: PeerConn) => {
        if (c.fast) c.send(Uint8Array.of(0, 0, 0, 1, MessageId.haveAll));
        else {
          const all = new Bitfield(layout.pieceCount);
          for (let i = 0; i < layout.pieceCount; i++) all.set(i);
          c.send(encodeBitfield(all.bytes));
        }
      },
      onMessage: (c: PeerConn, msg: Message) => {
        switch (msg.type) {
          case 'interested':
            c.send(encodeUnchoke());
            return;
          case 'request': {
            const { index, begin, length } = msg;
            let ok = length > 0 && length <= MAX_BLOCK;
            if (ok) ok = begin + length <= layout.pieceSize(index);
            if (!ok) {
              if (c.fast) c.send(encodeReject(msg));
              else c.drop(`bad request ${index}:${begin}+${length}`);
              return;
            }
            // Header and block go out as two writes of one message; the block is never copied.
            storage.readBlock(index, begin, length).then(
              (block) => {
                if (c.closed) return;
                c.socket.cork();
                c.send(encodePieceHeader(index, begin, length));
                c.send(block);
                c.socket.uncork();
                this.stats.blocksServed++;
                this.stats.bytesServed += length;
              },
              (e: unknown) => c.drop(`read failed: ${(e as Error).message}`),
            );
            return;
          }
          case 'extended': {
            if (msg.id !== UT_METADATA_ID) return;
            const m = decodeMetadataMessage(msg.payload, MAX_METADATA_SIZE);
            if (m.type !== 'request') return;
            const info = this.options.infoBytes;
            const start = m.piece * METADATA_PIECE_SIZE;
            if (start >= info.length) {
              c.sendExtended('ut_metadata', encodeMetadataMessage({ type: 'reject', piece: m.piece }));
              return;
            }
            const data = info.subarray(start, Math.min(info.length, start + METADATA_PIECE_SIZE));
            c.sendExtended('ut_metadata', encodeMetadataMessage({ type: 'data', piece: m.piece, totalSize: info.length, data }));
            this.stats.metadataPiecesServed++;
            return;
          }
          default:
            return;
        }
      },
      onClose: (c: PeerConn, reason: string) => {
        this.conns.delete(c);
        this.stats.dropped.push(`${c.name}: ${reason}`);
      },
    };
  }
}
