// Test harness: a seeder built of @torrentkit/wire (PeerSession over ./tcp) and @torrentkit/storage.
// It accepts connections (and can dial leechers that do not dial out, like aria2 without a tracker),
// announces every piece (the session sends have-all with the fast extension, a full bitfield
// without), serves the info dict over ut_metadata, unchokes whoever is interested and answers
// requests from storage; the session writes each block after its header without copying it.
import { Bitfield as WireBitfield, MAX_METADATA_SIZE, METADATA_PIECE_SIZE, decodeMetadataMessage, encodeMetadataMessage, type SessionEvent } from '@torrentkit/wire';
import { listen, type TcpListener } from '@torrentkit/wire/tcp';
import type { Storage } from '@torrentkit/storage';
import { Peer, type PeerOptions } from './wire-session.ts';

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
  /** Distinct protocol violations peers committed (message -> count). */
  violations: Record<string, number>;
}

export class Seeder {
  readonly options: SeederOptions;
  readonly stats: SeederStats = { connections: 0, blocksServed: 0, bytesServed: 0, metadataPiecesServed: 0, dropped: [], violations: {} };
  readonly peers = new Set<Peer>();
  #listener: TcpListener | undefined;

  constructor(options: SeederOptions) {
    this.options = options;
  }

  /** Starts listening on `host` (default 127.0.0.1), port 0; resolves with the port. */
  async listen(): Promise<number> {
    this.#listener = await listen({ host: this.options.host ?? '127.0.0.1', port: 0 }, (conn) => {
      this.#adopt(new Peer(conn, this.#peerOptions(), this.#onEvent));
    });
    return this.#listener.port;
  }

  /** Dials a leecher; resolves once connected (rejects if it cannot connect). */
  async connect(host: string, port: number): Promise<Peer> {
    const peer = await Peer.dial(host, port, this.#peerOptions(), this.#onEvent);
    this.#adopt(peer);
    return peer;
  }

  async close(): Promise<void> {
    for (const p of this.peers) p.drop('seeder closing');
    await this.#listener?.close();
    await this.options.storage.close();
  }

  #adopt(peer: Peer): void {
    this.peers.add(peer);
    this.stats.connections++;
  }

  #peerOptions(): PeerOptions {
    const layout = this.options.storage.layout;
    return {
      infoHash: this.options.infoHash,
      fast: this.options.fast,
      torrent: { pieceCount: layout.pieceCount, pieceLength: layout.pieceLength, totalLength: layout.totalLength },
      pieces: WireBitfield.full(layout.pieceCount),
      metadataSize: this.options.infoBytes.length,
    };
  }

  readonly #onEvent = (peer: Peer, e: SessionEvent): void => {
    const { session } = peer;
    switch (e.type) {
      case 'interested':
        session.unchoke();
        return;
      case 'request': {
        const { index, begin, length } = e;
        this.options.storage.readBlock(index, begin, length).then(
          (block) => {
            if (session.sendPiece(index, begin, block)) {
              this.stats.blocksServed++;
              this.stats.bytesServed += length;
            }
          },
          (err: unknown) => peer.drop(`read failed: ${(err as Error).message}`),
        );
        return;
      }
      case 'extended': {
        if (e.name !== 'ut_metadata') return;
        let m;
        try {
          m = decodeMetadataMessage(e.payload, MAX_METADATA_SIZE);
        } catch (err) {
          peer.drop(`bad ut_metadata: ${(err as Error).message}`);
          return;
        }
        if (m.type !== 'request') return;
        const info = this.options.infoBytes;
        const start = m.piece * METADATA_PIECE_SIZE;
        if (start >= info.length) {
          session.sendExtended('ut_metadata', encodeMetadataMessage({ type: 'reject', piece: m.piece }));
          return;
        }
        const data = info.subarray(start, Math.min(info.length, start + METADATA_PIECE_SIZE));
        session.sendExtended('ut_metadata', encodeMetadataMessage({ type: 'data', piece: m.piece, totalSize: info.length, data }));
        this.stats.metadataPiecesServed++;
        return;
      }
      case 'violation': {
        const k = `${e.code}: ${e.message.replace(/\d+/g, 'N')}`;
        this.stats.violations[k] = (this.stats.violations[k] ?? 0) + 1;
        return;
      }
      case 'closed':
        this.peers.delete(peer);
        this.stats.dropped.push(`${peer.report.name}: ${peer.report.dropped}`);
        return;
      default:
        return;
    }
  };
}
