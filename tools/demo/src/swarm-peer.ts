// A compact BitTorrent peer for the demo, built of @torrentkit/wire (sessions over TCP),
// @torrentkit/storage (pieces <-> files on disk) and @torrentkit/tracker (announce client). It finds
// other peers only through the tracker, downloads rarest-first with a pipeline of block requests,
// checks every piece's SHA-1 before writing it, tells every connected peer about each new piece, and
// uploads whatever it has to anyone interested — so a leecher trades with the other leechers while it
// downloads, and keeps seeding once complete. No choking algorithm: the swarm is a handful of peers.
import { Bitfield, type SessionEvent, type TorrentShape } from '@torrentkit/wire';
import { listen, type TcpListener } from '@torrentkit/wire/tcp';
import { Storage, type Layout } from '@torrentkit/storage';
import { FileStore } from '@torrentkit/storage/file-store';
import type { AnnounceClient } from '@torrentkit/tracker';
import { Connection, newPeerId, type ConnectionOptions } from './connection.ts';
import { pickRarest } from './piece-picker.ts';

/** What a peer needs to know about the torrent. */
export interface SwarmTorrent {
  infoHash: Uint8Array;
  /** v1 piece hashes, 20 bytes each. */
  pieces: Uint8Array;
  layout: Layout;
}

/** Options of {@link SwarmPeer}. */
export interface SwarmPeerOptions {
  /** Name in the log, e.g. `seeder` or `leecher-1`. */
  name: string;
  torrent: SwarmTorrent;
  /** Directory the torrent's files live in (the layout's paths are below it). */
  root: string;
  /** Start with every piece (the files under `root` are the content). */
  seed: boolean;
  announceUrl: string;
  client: AnnounceClient;
  log: (line: string) => void;
  /** Names other peers in the log by peer id or listening port (the demo knows every peer). */
  nameOf?: (peerIdOrPort: Uint8Array | number) => string | undefined;
  /** Block requests in flight per connection. Default 64. */
  pipeline?: number;
}

const BLOCK = 16 * 1024;

interface PieceJob {
  buf: Uint8Array;
  /** One flag per block. */
  got: Uint8Array;
  left: number;
  owner: Connection;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One peer of the swarm: listens, announces, dials, trades pieces. */
export class SwarmPeer {
  readonly name: string;
  readonly peerId = newPeerId();
  readonly have: Bitfield;
  readonly connections = new Set<Connection>();
  /** Milliseconds from `start` to the last verified piece on disk (0 for a seeder). */
  readonly completed: Promise<number>;
  port = 0;
  uploaded = 0;
  downloaded = 0;
  /** Pieces that failed their hash check (a peer sent bad data). */
  hashFailures = 0;

  readonly #o: SwarmPeerOptions;
  readonly #storage: Storage;
  readonly #shape: TorrentShape;
  readonly #jobs = new Map<number, PieceJob>();
  readonly #dialled = new Set<string>();
  #listener: TcpListener | undefined;
  #startedAt = 0;
  #done = false;
  #stopping = false;
  #resolveCompleted!: (ms: number) => void;
  #rejectCompleted!: (err: Error) => void;
  #refillTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SwarmPeerOptions) {
    this.#o = options;
    this.name = options.name;
    const { layout } = options.torrent;
    this.#shape = { pieceCount: layout.pieceCount, pieceLength: layout.pieceLength, totalLength: layout.totalLength };
    this.have = options.seed ? Bitfield.full(layout.pieceCount) : new Bitfield(layout.pieceCount);
    this.#storage = new Storage(layout, new FileStore(layout, { root: options.root, readOnly: options.seed }));
    this.completed = new Promise((resolve, reject) => {
      this.#resolveCompleted = resolve;
      this.#rejectCompleted = reject;
    });
    this.completed.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  }

  /** Bytes still missing (what the tracker's `left` means). */
  get left(): number {
    let left = 0;
    for (let i = 0; i < this.#shape.pieceCount; i++) if (!this.have.has(i)) left += this.#storage.layout.pieceSize(i);
    return left;
  }

  /** Listens on 127.0.0.1 (ephemeral port), announces `started` and dials the peers the tracker returns. */
  async start(): Promise<void> {
    this.#startedAt = Date.now();
    this.#listener = await listen({ host: '127.0.0.1', port: 0 }, (socket) => {
      if (this.#stopping) return socket.destroy();
      this.#adopt(new Connection(socket, false, this.#connectionOptions(), this.#onEvent));
    });
    this.port = this.#listener.port;
    if (this.have.complete) {
      this.#done = true;
      this.#resolveCompleted(0);
    }
    await this.#announceAndDial('started');
  }

  /** Announces to the tracker; returns the tracker's peer list (without us). */
  async announce(event: 'started' | 'completed' | 'stopped' | 'none'): Promise<{ host: string; port: number }[]> {
    const res = await this.#o.client.announce(this.#o.announceUrl, {
      infoHash: this.#o.torrent.infoHash,
      peerId: this.peerId,
      port: this.port,
      uploaded: this.uploaded,
      downloaded: this.downloaded,
      left: this.left,
      event,
      numwant: 50,
    });
    return res.peers.filter((p) => !(p.port === this.port && (p.ip === '127.0.0.1' || p.ip === '::1'))).map((p) => ({ host: p.ip, port: p.port }));
  }

  /** Announces `stopped`, closes every connection, the listener and the files. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearTimeout(this.#refillTimer);
    if (!this.#done) this.#rejectCompleted(new Error(`${this.name} stopped before completing`));
    try {
      if (this.port) await this.announce('stopped');
    } finally {
      for (const c of this.connections) c.drop('shutting down');
      await this.#listener?.close();
      await this.#storage.close();
    }
  }

  async #announceAndDial(event: 'started' | 'none'): Promise<void> {
    const peers = await this.announce(event);
    const list = peers.map((p) => this.#o.nameOf?.(p.port) ?? `${p.host}:${p.port}`).join(', ');
    this.#o.log(`${this.name}: announced ${event} on port ${this.port}; tracker returned ${peers.length} peer(s)${list ? `: ${list}` : ''}`);
    for (const p of peers) {
      const key = `${p.host}:${p.port}`;
      if (this.#dialled.has(key)) continue;
      this.#dialled.add(key);
      Connection.dial(p.host, p.port, this.#connectionOptions(), this.#onEvent).then(
        (c) => {
          if (this.#stopping) return c.drop('shutting down');
          this.#adopt(c);
        },
        (err: unknown) => {
          this.#dialled.delete(key);
          this.#o.log(`${this.name}: could not connect to ${key}: ${(err as Error).message}`);
          this.#refillSoon();
        },
      );
    }
  }

  /** A leecher left without connections asks the tracker again (at most once a second). */
  #refillSoon(): void {
    if (this.#done || this.#stopping || this.#refillTimer) return;
    if ([...this.connections].some((c) => !c.closed)) return;
    this.#refillTimer = setTimeout(() => {
      this.#refillTimer = undefined;
      this.#announceAndDial('none').catch((err: unknown) => this.#o.log(`${this.name}: announce failed: ${(err as Error).message}`));
    }, 1000);
  }

  #connectionOptions(): ConnectionOptions {
    const t = this.#o.torrent;
    return { infoHash: t.infoHash, peerId: this.peerId, torrent: this.#shape, have: this.have, pipeline: this.#o.pipeline ?? 64 };
  }

  #adopt(c: Connection): void {
    this.connections.add(c);
  }

  #peerName(c: Connection): string {
    const id = c.session.peerId;
    return (id && this.#o.nameOf?.(id)) ?? c.address;
  }

  readonly #onEvent = (c: Connection, e: SessionEvent): void => {
    switch (e.type) {
      case 'handshake':
        return this.#onHandshake(c);
      case 'bitfield':
      case 'have':
        this.#updateInterest(c);
        return this.#pump(c);
      case 'unchoke':
        return this.#pump(c);
      case 'interested':
        // Everyone interested gets unchoked: a swarm of a handful of peers needs no tit-for-tat.
        c.session.unchoke();
        return;
      case 'request':
        return this.#serve(c, e.index, e.begin, e.length);
      case 'block':
        this.#onBlock(c, e.index, e.begin, e.block);
        return this.#pump(c);
      case 'request-failed':
        c.asked--;
        if (e.reason === 'closed') return;
        if (e.reason === 'timeout' || e.reason === 'invalid') return c.drop(`request (${e.index}, ${e.begin}) ${e.reason}`);
        // Rejected or dropped by a choke: ask again; the session holds it until we are unchoked.
        if (this.#jobs.get(e.index)?.owner === c && c.session.request(e.index, e.begin, e.length)) c.asked++;
        return;
      case 'violation':
        return c.drop(`protocol violation ${e.code}: ${e.message}`);
      case 'closed':
        return this.#onClosed(c);
      default:
        return;
    }
  };

  #onHandshake(c: Connection): void {
    const theirs = c.session.peerId!;
    if (sameBytes(theirs, this.peerId)) return c.drop('connected to ourselves');
    // Two peers that dial each other at once end up with two connections; both sides keep the one
    // whose initiator has the smaller peer id, so they agree without talking about it.
    for (const other of this.connections) {
      if (other === c || other.closed || !other.session.peerId || !sameBytes(other.session.peerId, theirs)) continue;
      const initiator = (x: Connection): string => hex(x.outgoing ? this.peerId : theirs);
      const loser = initiator(c) < initiator(other) ? other : c;
      loser.drop('duplicate connection');
      if (loser === c) return;
    }
    this.#o.log(`${this.name}: ${c.outgoing ? 'connected to' : 'accepted'} ${this.#peerName(c)}`);
  }

  #updateInterest(c: Connection): void {
    const theirs = c.session.peerPieces;
    if (!theirs) return;
    let wants = false;
    for (let i = 0; i < this.#shape.pieceCount && !wants; i++) wants = theirs.has(i) && !this.have.has(i);
    if (wants) c.session.interested();
    else c.session.notInterested();
  }

  #availability = (index: number): number => {
    let n = 0;
    for (const c of this.connections) if (!c.closed && c.session.peerPieces?.has(index)) n++;
    return n;
  };

  #wanted = (index: number): boolean => !this.have.has(index) && !this.#jobs.has(index);

  /** Hands this peer whole pieces to fetch while it has free request slots. */
  #pump(c: Connection): void {
    const pipeline = this.#o.pipeline ?? 64;
    const theirs = c.session.peerPieces;
    if (this.#done || c.closed || !theirs || c.session.peerChoking) return;
    while (c.asked < pipeline) {
      const index = pickRarest(this.#shape.pieceCount, theirs, this.#wanted, this.#availability);
      if (index < 0) return;
      const size = this.#storage.layout.pieceSize(index);
      const blocks = Math.ceil(size / BLOCK);
      this.#jobs.set(index, { buf: new Uint8Array(size), got: new Uint8Array(blocks), left: blocks, owner: c });
      c.pieces.add(index);
      const before = c.asked;
      for (let begin = 0; begin < size; begin += BLOCK) {
        if (c.session.request(index, begin, Math.min(BLOCK, size - begin))) c.asked++;
      }
      if (c.asked === before) {
        // The session took none of it (closing): leave the piece to another peer.
        this.#jobs.delete(index);
        c.pieces.delete(index);
        return;
      }
    }
  }

  #serve(c: Connection, index: number, begin: number, length: number): void {
    if (!this.have.has(index)) return c.session.reject(index, begin, length);
    this.#storage.readBlock(index, begin, length).then(
      (block) => {
        if (!c.session.sendPiece(index, begin, block)) return;
        c.uploaded += length;
        this.uploaded += length;
      },
      (err: unknown) => c.drop(`read failed: ${(err as Error).message}`),
    );
  }

  #onBlock(c: Connection, index: number, begin: number, block: Uint8Array): void {
    c.asked--;
    const job = this.#jobs.get(index);
    if (!job || job.owner !== c || job.got[begin / BLOCK]) return; // late or duplicate
    job.got[begin / BLOCK] = 1;
    job.buf.set(block, begin); // the block is a view into the socket's chunk: copy it now
    c.downloaded += block.length;
    if (--job.left > 0) return;
    // Every block is in: the piece leaves the connection (a drop no longer returns it to the pool)
    // but stays in #jobs until it is verified and on disk, so nobody fetches it twice.
    c.pieces.delete(index);
    void this.#verifyAndStore(c, index, job.buf);
  }

  async #verifyAndStore(c: Connection, index: number, buf: Uint8Array): Promise<void> {
    try {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', buf as Uint8Array<ArrayBuffer>));
      const expected = this.#o.torrent.pieces.subarray(index * 20, index * 20 + 20);
      if (!sameBytes(digest, expected)) {
        this.hashFailures++;
        this.#jobs.delete(index);
        c.drop(`piece ${index} failed its SHA-1 check`);
        return;
      }
      await this.#storage.writeBlock(index, 0, buf);
    } catch (err) {
      this.#jobs.delete(index);
      if (!this.#stopping) this.#fail(new Error(`${this.name}: cannot store piece ${index}: ${(err as Error).message}`));
      return;
    }
    this.#jobs.delete(index);
    this.downloaded += buf.length;
    // Only now (verified and written) do we claim the piece, so we never serve bytes not on disk.
    // The first session's have() marks the shared bitfield; each sends HAVE to its peer.
    for (const x of this.connections) x.session.have(index);
    if (!this.have.has(index)) this.have.set(index);
    for (const x of this.connections) this.#updateInterest(x);
    if (this.have.complete) return this.#complete();
    for (const x of this.connections) this.#pump(x);
  }

  async #complete(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.#storage.complete();
      const ms = Date.now() - this.#startedAt;
      const from = [...this.connections].filter((c) => c.downloaded > 0).map((c) => `${this.#peerName(c)} ${(c.downloaded / 2 ** 20).toFixed(2)} MiB`);
      this.#o.log(`${this.name}: complete, all ${this.#shape.pieceCount} pieces verified and written in ${ms} ms (from ${from.join(', ') || 'nobody'}); now seeding`);
      await this.announce('completed');
      this.#resolveCompleted(ms);
    } catch (err) {
      this.#rejectCompleted(err as Error);
    }
  }

  #fail(err: Error): void {
    this.#done = true;
    this.#rejectCompleted(err);
  }

  #onClosed(c: Connection): void {
    this.connections.delete(c);
    // Pieces still being fetched from this peer go back to the pool, their partial data dropped.
    for (const index of c.pieces) this.#jobs.delete(index);
    c.pieces.clear();
    c.asked = 0;
    if (this.#stopping) return;
    // Peers come and go once they are done; only a loss while downloading is news.
    if (!this.#done && c.reason && c.reason !== 'duplicate connection') this.#o.log(`${this.name}: lost ${this.#peerName(c)} (${c.reason})`);
    for (const x of this.connections) this.#pump(x);
    this.#refillSoon();
  }
}
