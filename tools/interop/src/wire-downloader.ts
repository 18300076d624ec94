// Test harness: a small multi-peer downloader built of @torrentkit/wire (PeerSession over ./tcp) and
// @torrentkit/storage. It can start from the info hash alone (BEP 9 ut_metadata), keeps up to
// `pipeline` requests outstanding per peer, assembles each piece in memory and writes it only after
// its SHA-1 matched, so a bad peer can never touch verified data on disk. A peer is dropped at its
// first protocol violation (unrequested or wrong-length block, bad bitfield, garbage), when a piece it
// sent fails the hash check, or when a request times out; its unfinished pieces go back to the pool.
// (The full client with choking and a real piece picker comes later.)
import { createHash } from 'node:crypto';
import {
  MetadataAssembler,
  METADATA_PIECE_SIZE,
  decodeMetadataMessage,
  encodeMetadataMessage,
  type SessionEvent,
  type TorrentShape,
} from '@torrentkit/wire';
import { Bitfield, Storage, createLayout, verify, type Store, type Layout } from '@torrentkit/storage';
import { Peer, type PeerReport } from './wire-session.ts';
import { parseInfo, type InfoSummary } from './wire-info.ts';

export type { PeerReport } from './wire-session.ts';

export const BLOCK = 16 * 1024;

export interface DownloadOptions {
  infoHash: Uint8Array;
  /** Known metadata (info dict bytes); fetched with ut_metadata from the peers when absent. */
  infoBytes?: Uint8Array;
  peers: { host: string; port: number }[];
  /** Local address to dial from (Transmission keys peers by IP). */
  localAddress?: string;
  /** Makes the store once the layout is known. */
  store: (layout: Layout, info: InfoSummary) => Store;
  fast: boolean;
  /** Requests outstanding per peer (the peer's reqq lowers it). Default 64; Transmission paces uploads by queue depth, so interop uses 256. */
  pipeline?: number;
  /** Give up after this long. Default 60 s. */
  timeoutMs?: number;
  /** Hash what the store already holds first and fetch only the missing pieces. Default false. */
  recheck?: boolean;
  /** Drop a peer whose request has waited this long. Default 15 s. */
  requestTimeoutMs?: number;
}

export interface DownloadResult {
  info: InfoSummary;
  storage: Storage;
  have: Bitfield;
  peers: PeerReport[];
  bytes: number;
  ms: number;
  /** Milliseconds from start to the metadata, to the first block. */
  metadataMs: number;
  firstBlockMs: number;
}

interface PeerState {
  peer: Peer;
  /** Blocks asked of this peer and not yet answered or failed. */
  asked: number;
  pieces: Set<number>;
}

interface PieceJob {
  index: number;
  size: number;
  buf: Uint8Array;
  received: Uint8Array; // one flag per block
  left: number;
  owner: PeerState;
}

/** Downloads a whole torrent from the given peers. Rejects on timeout or when every peer is gone. */
export function download(opts: DownloadOptions): Promise<DownloadResult> {
  const started = Date.now();
  const pipeline = opts.pipeline ?? 64;
  const states: PeerState[] = [];
  let info: InfoSummary | undefined;
  let layout: Layout | undefined;
  let shape: TorrentShape | undefined;
  let storage: Storage | undefined;
  let have: Bitfield | undefined;
  let assembler: MetadataAssembler | undefined;
  const jobs = new Map<number, PieceJob>();
  let writes = Promise.resolve();
  let bytes = 0;
  let settled = false;
  let metadataMs = -1;
  let firstBlockMs = -1;
  let dialing = opts.peers.length;

  return new Promise<DownloadResult>((resolve, reject) => {
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const s of states) s.peer.drop('download failed');
      reject(new Error(`${why}; peers: ${JSON.stringify(states.map((s) => s.peer.report))}`));
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      writes
        .then(() => storage!.complete())
        .then(() => {
          for (const s of states) s.peer.drop('done');
          resolve({ info: info!, storage: storage!, have: have!, peers: states.map((s) => s.peer.report), bytes, ms: Date.now() - started, metadataMs, firstBlockMs });
        }, (e: unknown) => reject(e as Error));
    };
    const timer = setTimeout(() => fail('timeout'), opts.timeoutMs ?? 60_000);

    const setInfo = (infoBytes: Uint8Array): void => {
      info = parseInfo(infoBytes);
      metadataMs = Date.now() - started;
      layout = createLayout(info.layout);
      shape = { pieceCount: layout.pieceCount, pieceLength: layout.pieceLength, totalLength: layout.totalLength };
      storage = new Storage(layout, opts.store(layout, info));
      for (const s of states) s.peer.session.setTorrent(shape);
      const go = (bits: Bitfield): void => {
        have = bits;
        if (have.complete) return finish();
        for (const s of states) startTrading(s);
      };
      if (!opts.recheck) return go(new Bitfield(layout.pieceCount));
      verify(storage, info.pieces).then(go, (e: unknown) => fail(`recheck failed: ${(e as Error).message}`));
    };

    const startTrading = (s: PeerState): void => {
      if (!have || s.peer.closed || !s.peer.session.peerId) return;
      s.peer.session.interested();
      pump(s);
    };

    const pickPiece = (s: PeerState): PieceJob | undefined => {
      const theirs = s.peer.session.peerPieces;
      if (!theirs) return undefined;
      for (let i = 0; i < layout!.pieceCount; i++) {
        if (have!.has(i) || jobs.has(i) || !theirs.has(i)) continue;
        const size = layout!.pieceSize(i);
        const blocks = Math.ceil(size / BLOCK);
        const job: PieceJob = { index: i, size, buf: new Uint8Array(size), received: new Uint8Array(blocks), left: blocks, owner: s };
        jobs.set(i, job);
        s.pieces.add(i);
        return job;
      }
      return undefined;
    };

    // Queues whole pieces with the session while fewer than `pipeline` blocks are asked of this peer;
    // the session sends them as pipeline slots free up.
    const pump = (s: PeerState): void => {
      if (!have || s.peer.closed || s.peer.session.peerChoking) return;
      while (s.asked < pipeline) {
        const job = pickPiece(s);
        if (!job) break;
        for (let b = 0; b < job.size; b += BLOCK) {
          if (s.peer.session.request(job.index, b, Math.min(BLOCK, job.size - b))) s.asked++;
        }
      }
      if (s.asked === 0 && s.pieces.size === 0 && have.complete) finish();
    };

    const release = (s: PeerState): void => {
      // Pieces in progress with this peer go back to the pool, their partial data discarded.
      for (const i of s.pieces) jobs.delete(i);
      s.pieces.clear();
      s.asked = 0;
      for (const q of states) if (q !== s) pump(q);
      if (!settled && dialing === 0 && states.every((q) => q.peer.closed)) fail('every peer is gone');
    };

    const onBlock = (s: PeerState, index: number, begin: number, block: Uint8Array): void => {
      s.asked--;
      s.peer.report.blocks++;
      if (firstBlockMs < 0) firstBlockMs = Date.now() - started;
      const job = jobs.get(index);
      if (!job || job.owner !== s) return; // a late block for a piece given up on
      if (!job.received[begin / BLOCK]) {
        job.received[begin / BLOCK] = 1;
        job.buf.set(block, begin);
        job.left--;
      }
      if (job.left > 0) return;
      jobs.delete(index);
      s.pieces.delete(index);
      const digest = createHash('sha1').update(job.buf).digest();
      if (!digest.equals(info!.pieces.subarray(index * 20, index * 20 + 20))) {
        s.peer.drop(`piece ${index} failed its hash check`);
        return;
      }
      have!.set(index);
      bytes += job.size;
      writes = writes.then(() => storage!.writeBlock(index, 0, job.buf));
      writes.catch((e: unknown) => fail(`write failed: ${(e as Error).message}`));
      for (const q of states) q.peer.session.have(index);
    };

    const onMetadata = (s: PeerState, payload: Uint8Array): void => {
      if (info) return;
      const msg = decodeMetadataMessage(payload);
      if (msg.type === 'reject') return s.peer.drop('metadata rejected');
      if (msg.type !== 'data') return;
      assembler ??= new MetadataAssembler(msg.totalSize);
      if (!assembler.add(msg)) return s.peer.drop('metadata piece does not fit');
      if (!assembler.complete) return;
      const verified = assembler.verify(opts.infoHash);
      if (!verified) return s.peer.drop('metadata does not match the info hash');
      setInfo(verified.slice());
    };

    const onEvent = (s: PeerState, e: SessionEvent): void => {
      if (settled) return;
      switch (e.type) {
        case 'handshake':
          return startTrading(s);
        case 'extended-handshake': {
          const size = e.handshake.metadata_size;
          if (!info && size && s.peer.session.extensions.supports('ut_metadata')) {
            for (let i = 0; i < Math.ceil(size / METADATA_PIECE_SIZE); i++) {
              s.peer.session.sendExtended('ut_metadata', encodeMetadataMessage({ type: 'request', piece: i }));
            }
          }
          return pump(s);
        }
        case 'extended':
          if (e.name !== 'ut_metadata') return;
          try {
            onMetadata(s, e.payload);
          } catch (err) {
            s.peer.drop(`bad ut_metadata: ${(err as Error).message}`);
          }
          return;
        case 'bitfield':
        case 'have':
        case 'unchoke':
          return pump(s);
        case 'block':
          onBlock(s, e.index, e.begin, e.block);
          return pump(s);
        case 'request-failed':
          s.asked--;
          if (e.reason === 'timeout') return s.peer.drop(`request timed out (${e.index}, ${e.begin})`);
          if (e.reason === 'invalid') return s.peer.drop(`wrong-length block for (${e.index}, ${e.begin})`);
          // rejected, or dropped by a choke without the fast extension: ask again (queued until unchoked)
          if (jobs.get(e.index)?.owner === s && s.peer.session.request(e.index, e.begin, e.length)) s.asked++;
          return;
        case 'violation':
          // Strict: the first protocol violation ends the connection.
          return s.peer.drop(`violation ${e.code}: ${e.message}`);
        case 'closed':
          return release(s);
        default:
          return;
      }
    };

    for (const addr of opts.peers) {
      Peer.dial(addr.host, addr.port, {
        infoHash: opts.infoHash,
        fast: opts.fast,
        maxOutstanding: pipeline,
        requestTimeout: opts.requestTimeoutMs ?? 15_000,
        ...(shape ? { torrent: shape } : {}),
      }, (peer, e) => {
        const s = states.find((q) => q.peer === peer);
        if (s) onEvent(s, e);
        else if (e.type !== 'closed') pendingEvents.push([peer, e]);
      }, opts.localAddress).then(
        (peer) => {
          dialing--;
          const s: PeerState = { peer, asked: 0, pieces: new Set() };
          states.push(s);
          if (shape && !peer.session.torrent) peer.session.setTorrent(shape);
          for (const [p, e] of pendingEvents.splice(0)) if (p === peer) onEvent(s, e);
          if (peer.closed) release(s);
        },
        (err: unknown) => {
          dialing--;
          if (!settled && dialing === 0 && states.every((q) => q.peer.closed)) fail(`could not connect: ${(err as Error).message}`);
        },
      );
    }
    const pendingEvents: [Peer, SessionEvent][] = [];
    if (opts.infoBytes) setInfo(opts.infoBytes);
  });
}
