// Test harness: a small multi-peer downloader built of @torrentkit/wire and @torrentkit/storage. It
// can start from the info hash alone (BEP 9 ut_metadata), keeps up to `pipeline` requests outstanding
// per peer, assembles each piece in memory and writes it only after its SHA-1 matched, so a bad peer
// can never touch verified data on disk. Peers that break the protocol, send blocks nobody asked for,
// blocks of the wrong length, or pieces that fail the hash check are dropped; their unfinished pieces
// go back to the pool for the other peers. (The full client with choking and a real picker comes later.)
import { createHash } from 'node:crypto';
import {
  MetadataAssembler,
  METADATA_PIECE_SIZE,
  decodeMetadataMessage,
  encodeBitfield,
  encodeHave,
  encodeInterested,
  encodeMetadataMessage,
  writeBlockMessage,
  MessageId,
  type Message,
} from '@torrentkit/wire';
import { Bitfield, Storage, createLayout, verify, type Store, type Layout } from '@torrentkit/storage';
import { PeerConn, type ConnOptions } from './wire-conn.ts';
import { parseInfo, type InfoSummary } from './wire-info.ts';

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
  /** Requests outstanding per peer (capped by the peer's reqq). Default 64; Transmission paces uploads by queue depth, so interop uses 256. */
  pipeline?: number;
  /** Give up after this long. Default 60 s. */
  timeoutMs?: number;
  /** Hash what the store already holds first and fetch only the missing pieces. Default false. */
  recheck?: boolean;
  /** Drop a peer whose oldest request has waited this long. Default 15 s. */
  requestTimeoutMs?: number;
}

export interface PeerReport {
  name: string;
  fast: boolean;
  extended: boolean;
  client?: string;
  metadataSize?: number;
  dropped?: string;
  blocks: number;
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
  conn: PeerConn;
  report: PeerReport;
  have: Bitfield | undefined;
  haveAll: boolean;
  /** What the peer announced before we had the metadata (bitfield bytes, have indices). */
  early: { bitfield?: Uint8Array; haves: number[] };
  choked: boolean;
  interested: boolean;
  /** key = index * 2^20 + begin/BLOCK -> request time */
  pending: Map<number, number>;
  reqq: number;
  pieces: Set<number>;
}

interface PieceJob {
  index: number;
  size: number;
  buf: Uint8Array;
  received: Uint8Array; // one flag per block
  left: number;
  requested: number; // next block index to request
  owner: PeerState;
}

const key = (index: number, begin: number): number => index * 1048576 + begin / BLOCK;

/** Downloads a whole torrent from the given peers. Rejects on timeout or when every peer is gone. */
export function download(opts: DownloadOptions): Promise<DownloadResult> {
  const started = Date.now();
  const pipeline = opts.pipeline ?? 64;
  const peers: PeerState[] = [];
  let info: InfoSummary | undefined;
  let layout: Layout | undefined;
  let storage: Storage | undefined;
  let have: Bitfield | undefined;
  let assembler: MetadataAssembler | undefined;
  const jobs = new Map<number, PieceJob>();
  let writes = Promise.resolve();
  let bytes = 0;
  let settled = false;
  let metadataMs = -1;
  let firstBlockMs = -1;

  return new Promise<DownloadResult>((resolve, reject) => {
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      for (const p of peers) p.conn.drop('download failed');
      reject(new Error(`${why}; peers: ${JSON.stringify(peers.map((p) => p.report))}`));
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      writes
        .then(() => storage!.complete())
        .then(() => {
          for (const p of peers) p.conn.drop('done');
          resolve({ info: info!, storage: storage!, have: have!, peers: peers.map((p) => p.report), bytes, ms: Date.now() - started, metadataMs, firstBlockMs });
        }, (e: unknown) => reject(e as Error));
    };
    const ticker = setInterval(() => {
      const now = Date.now();
      if (now - started > (opts.timeoutMs ?? 60_000)) return fail('timeout');
      for (const p of peers) {
        for (const t of p.pending.values()) {
          if (now - t > (opts.requestTimeoutMs ?? 15_000)) {
            p.conn.drop('request timed out');
            break;
          }
        }
      }
    }, 250);

    const setInfo = (bytesOfInfo: Uint8Array): void => {
      info = parseInfo(bytesOfInfo);
      metadataMs = Date.now() - started;
      layout = createLayout(info.layout);
      storage = new Storage(layout, opts.store(layout, info));
      const go = (bits: Bitfield): void => {
        have = bits;
        bytes = 0;
        for (const p of peers) {
          if (p.conn.closed) continue;
          p.conn.parser.setPieceCount(layout!.pieceCount);
          if (!applyEarly(p)) continue;
          startTrading(p);
        }
      };
      if (!opts.recheck) return go(new Bitfield(layout.pieceCount));
      verify(storage, info.pieces).then(go, (e: unknown) => fail(`recheck failed: ${(e as Error).message}`));
    };

    // Checks what the peer announced before the piece count was known, as the parser would have.
    const applyEarly = (p: PeerState): boolean => {
      const n = layout!.pieceCount;
      const bf = p.early.bitfield;
      if (bf) {
        const spare = bf.length * 8 - n;
        if (bf.length !== Math.ceil(n / 8) || (spare > 0 && (bf[bf.length - 1]! & ((1 << spare) - 1)) !== 0)) {
          p.conn.drop('bad bitfield (checked after metadata)');
          return false;
        }
        p.have = new Bitfield(n, bf);
      }
      for (const i of p.early.haves) {
        if (i >= n) {
          p.conn.drop(`have ${i} beyond ${n} pieces`);
          return false;
        }
        (p.have ??= new Bitfield(n)).set(i);
      }
      return true;
    };

    const startTrading = (p: PeerState): void => {
      if (!p.conn.peerHandshake || !have || p.interested) return;
      // We have nothing yet: with the fast extension say so explicitly, else stay silent (BEP 3 allows it).
      if (p.conn.fast) p.conn.send(Uint8Array.of(0, 0, 0, 1, MessageId.haveNone));
      else if (have!.count() > 0) p.conn.send(encodeBitfield(have!.bytes));
      p.conn.send(encodeInterested());
      p.interested = true;
      pump(p);
    };

    const peerHas = (p: PeerState, i: number): boolean => p.haveAll || (p.have?.get(i) ?? false);

    const pickPiece = (p: PeerState): PieceJob | undefined => {
      for (let i = 0; i < layout!.pieceCount; i++) {
        if (have!.get(i) || jobs.has(i) || !peerHas(p, i)) continue;
        const size = layout!.pieceSize(i);
        const blocks = Math.ceil(size / BLOCK);
        const job: PieceJob = { index: i, size, buf: new Uint8Array(size), received: new Uint8Array(blocks), left: blocks, requested: 0, owner: p };
        jobs.set(i, job);
        p.pieces.add(i);
        return job;
      }
      return undefined;
    };

    // Fills the peer's request pipeline; batches all new requests into one write.
    const pump = (p: PeerState): void => {
      if (p.conn.closed || p.choked || !have) return;
      const room = Math.min(pipeline, p.reqq) - p.pending.size;
      if (room <= 0) return;
      const out = new Uint8Array(room * 17);
      let at = 0;
      const now = Date.now();
      const iter = [...p.pieces].map((i) => jobs.get(i)!).filter((j) => j.requested * BLOCK < j.size);
      while (at < out.length) {
        let job = iter[0];
        if (!job) {
          job = pickPiece(p);
          if (!job) break;
          iter.push(job);
        }
        const begin = job.requested * BLOCK;
        const len = Math.min(BLOCK, job.size - begin);
        job.requested++;
        if (job.requested * BLOCK >= job.size) iter.shift();
        if (job.received[begin / BLOCK]) continue;
        p.pending.set(key(job.index, begin), now);
        at = writeBlockMessage(out, at, MessageId.request, job.index, begin, len);
      }
      if (at > 0) p.conn.send(out.subarray(0, at));
      if (p.pending.size === 0 && p.pieces.size === 0 && have!.complete()) finish();
    };

    const release = (p: PeerState): void => {
      // Pieces in progress with this peer go back to the pool, their partial data discarded.
      for (const i of p.pieces) jobs.delete(i);
      p.pieces.clear();
      p.pending.clear();
      for (const q of peers) if (q !== p) pump(q);
      if (!settled && peers.every((q) => q.conn.closed)) fail('every peer is gone');
    };

    const onBlock = (p: PeerState, index: number, begin: number, block: Uint8Array): void => {
      const k = key(index, begin);
      const job = jobs.get(index);
      if (!p.pending.has(k) || !job || job.owner !== p) return p.conn.drop(`unrequested block ${index}:${begin}`);
      const expect = Math.min(BLOCK, job.size - begin);
      if (block.length !== expect) return p.conn.drop(`block ${index}:${begin} has ${block.length} bytes, expected ${expect}`);
      p.pending.delete(k);
      p.report.blocks++;
      if (firstBlockMs < 0) firstBlockMs = Date.now() - started;
      if (!job.received[begin / BLOCK]) {
        job.received[begin / BLOCK] = 1;
        job.buf.set(block, begin);
        job.left--;
      }
      if (job.left === 0) {
        jobs.delete(index);
        p.pieces.delete(index);
        const digest = createHash('sha1').update(job.buf).digest();
        if (!digest.equals(info!.pieces.subarray(index * 20, index * 20 + 20))) {
          p.conn.drop(`piece ${index} failed its hash check`);
          return;
        }
        have!.set(index);
        bytes += job.size;
        writes = writes.then(() => storage!.writeBlock(index, 0, job.buf));
        writes.catch((e: unknown) => fail(`write failed: ${(e as Error).message}`));
        for (const q of peers) q.conn.send(encodeHave(index));
      }
      pump(p);
    };

    const onMetadata = (p: PeerState, payload: Uint8Array): void => {
      if (info) return;
      const msg = decodeMetadataMessage(payload);
      if (msg.type === 'reject') return p.conn.drop('metadata rejected');
      if (msg.type !== 'data') return;
      assembler ??= new MetadataAssembler(msg.totalSize);
      if (!assembler.add(msg)) return p.conn.drop('metadata piece does not fit');
      if (!assembler.complete) return;
      const verified = assembler.verify(opts.infoHash);
      if (!verified) return p.conn.drop('metadata does not match the info hash');
      setInfo(verified.slice());
    };

    const onMessage = (conn: PeerConn, msg: Message): void => {
      const p = peers.find((q) => q.conn === conn)!;
      switch (msg.type) {
        case 'bitfield':
          if (!layout) {
            if (msg.bitfield.length > 1 << 20) return conn.drop('bitfield too large');
            p.early.bitfield = msg.bitfield.slice();
            return;
          }
          p.have = new Bitfield(layout.pieceCount, msg.bitfield.slice());
          break;
        case 'have':
          if (!layout) {
            if (p.early.haves.length < 1 << 16) p.early.haves.push(msg.index);
            return;
          }
          p.have ??= new Bitfield(layout.pieceCount);
          p.have.set(msg.index);
          break;
        case 'have-all':
          if (!conn.fast) return conn.drop('have-all without the fast extension');
          p.haveAll = true;
          break;
        case 'have-none':
          if (!conn.fast) return conn.drop('have-none without the fast extension');
          break;
        case 'unchoke':
          p.choked = false;
          break;
        case 'choke':
          p.choked = true;
          // Without the fast extension a choke discards every outstanding request (BEP 3); with it
          // the peer rejects each one explicitly (BEP 6).
          if (!conn.fast) {
            for (const k of p.pending.keys()) {
              const job = jobs.get(Math.floor(k / 1048576));
              if (job) job.requested = Math.min(job.requested, k % 1048576);
            }
            p.pending.clear();
          }
          return;
        case 'reject': {
          if (!conn.fast) return conn.drop('reject without the fast extension');
          const k = key(msg.index, msg.begin);
          if (!p.pending.delete(k)) return;
          const job = jobs.get(msg.index);
          if (job) job.requested = Math.min(job.requested, msg.begin / BLOCK);
          break;
        }
        case 'piece':
          return onBlock(p, msg.index, msg.begin, msg.block);
        case 'extended':
          if (msg.id === 1) {
            try {
              onMetadata(p, msg.payload);
            } catch (e) {
              conn.drop(`bad ut_metadata: ${(e as Error).message}`);
            }
          }
          return;
        default:
          return;
      }
      pump(p);
    };

    const connOptions: ConnOptions = {
      infoHash: opts.infoHash,
      fast: opts.fast,
      extended: { m: { ut_metadata: 1 }, v: 'torrentkit-interop 0.1', reqq: 256 },
    };
    for (const addr of opts.peers) {
      const conn = PeerConn.dial(addr.host, addr.port, connOptions, {
        onReady(c) {
          const p = peers.find((q) => q.conn === c)!;
          p.report.fast = c.fast;
          p.report.extended = c.extended;
          if (have) startTrading(p);
        },
        onExtendedHandshake(c, h) {
          const p = peers.find((q) => q.conn === c)!;
          p.report.client = h.v;
          p.report.metadataSize = h.metadata_size;
          if (h.reqq && h.reqq > 0) p.reqq = h.reqq;
          if (!info && h.metadata_size && h.m.ut_metadata) {
            const n = Math.ceil(h.metadata_size / METADATA_PIECE_SIZE);
            for (let i = 0; i < n; i++) c.sendExtended('ut_metadata', encodeMetadataMessage({ type: 'request', piece: i }));
          }
        },
        onMessage,
        onClose(c, reason) {
          const p = peers.find((q) => q.conn === c);
          if (!p) return;
          p.report.dropped = reason;
          if (!settled) release(p);
        },
      }, opts.localAddress);
      peers.push({
        conn,
        report: { name: conn.name, fast: false, extended: false, blocks: 0 },
        have: undefined,
        haveAll: false,
        early: { haves: [] },
        choked: true,
        interested: false,
        pending: new Map(),
        reqq: 250,
        pieces: new Set(),
      });
    }
    if (opts.infoBytes) setInfo(opts.infoBytes);
  });
}
