// TCP transport for the peer wire protocol over `node:net` (which Node, Deno and Bun all provide).
// This is the only module of the package that touches sockets; it translates between a socket and
// the sans-I/O PeerSession: bytes in -> session.receive, session output -> socket writes, a timer ->
// session.tick. Received chunks are handed on as Uint8Array views of the socket's buffers (no copy).
import { createConnection, createServer, type NetConnectOpts, type Server, type Socket } from 'node:net';
import { WireError } from './errors.ts';
import type { PeerSession } from './session.ts';

// Deno and Bun implement node:net's `onread` differently (or not at all); slab reads are Node only.
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const isNode = g.Deno === undefined && g.Bun === undefined;

/** One TCP connection carrying the peer wire protocol. */
export class TcpConnection {
  readonly socket: Socket;
  /** Resolves when the socket has closed (for any reason). */
  readonly closed: Promise<void>;
  #corked = false;
  #isClosed = false;
  #onData: ((chunk: Uint8Array) => void) | undefined;
  // Slab reads (see connect): chunks that arrived before onData, while the socket is paused.
  readonly #slabbed: boolean;
  #early: Uint8Array[] = [];
  readonly #uncork = (): void => {
    this.#corked = false;
    this.socket.uncork();
  };

  /** Wraps a connected socket. (`slabbed` is internal: the socket reads via {@link connect}'s slabs.) */
  constructor(socket: Socket, slabbed = false) {
    this.socket = socket;
    this.#slabbed = slabbed;
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#isClosed = true;
        resolve();
      });
    });
    // A socket error is followed by 'close'; listening here keeps it from becoming an uncaught exception.
    socket.on('error', () => {});
    // No 'data' listener yet: the socket stays paused, so nothing is lost before onData is called.
  }

  /** Remote address and port, as the socket reports them. */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }
  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  /** Whether the connection has closed. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /**
   * Bytes queued in user space waiting for the kernel. A sender of bulk data should stop producing
   * while {@link needsDrain} is true and continue on {@link onDrain}.
   */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** True when the write buffer is above its high-water mark (backpressure). */
  get needsDrain(): boolean {
    return this.socket.writableNeedDrain;
  }

  /**
   * Sets the handler for received bytes (a new one replaces the old). Reading starts with the first
   * call (unless {@link pause}d), so bytes that arrive before it wait in the socket.
   */
  onData(handler: (chunk: Uint8Array) => void): void {
    const first = this.#onData === undefined;
    this.#onData = handler;
    if (first && this.#slabbed) {
      for (const chunk of this.#early.splice(0)) handler(chunk);
      this.socket.resume();
    } else if (first) {
      this.socket.on('data', (chunk: Uint8Array) => {
        // Node hands out Buffers; the public API speaks plain Uint8Array over the same memory.
        this.#onData!(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      });
    }
  }

  /** Calls `handler` every time the write buffer drains below its high-water mark. */
  onDrain(handler: () => void): void {
    this.socket.on('drain', handler);
  }

  /** @internal Delivers a chunk read into a slab; false pauses the socket until onData is set. */
  _slabChunk(chunk: Uint8Array): boolean {
    if (this.#onData) {
      this.#onData(chunk);
      return true;
    }
    this.#early.push(chunk);
    return false;
  }

  /**
   * Queues bytes for sending. Writes made in the same tick are corked together so the header and
   * block of a piece message (and a burst of requests) leave in one writev. Returns false when the
   * caller should wait for drain. The bytes must not be modified afterwards.
   */
  write(data: Uint8Array): boolean {
    if (this.#isClosed || this.socket.destroyed) return false;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      queueMicrotask(this.#uncork);
    }
    return this.socket.write(data);
  }

  /** Stops reading from the socket (receive-side backpressure) until {@link resume}. */
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }

  /** Closes the connection: flushes what was written, then ends it; `destroy` drops it at once. */
  close(): void {
    if (this.#isClosed) return;
    this.socket.end();
    // A peer that never reads must not keep the socket half-open forever.
    setTimeout(() => this.socket.destroy(), 5000).unref?.();
  }
  destroy(): void {
    this.socket.destroy();
  }
}

/** Where to connect. */
export interface ConnectOptions {
  host: string;
  port: number;
  /**
   * Node only: read straight into slabs of this many bytes (default 256 KiB; 0 = the stream's
   * default 64 KiB reads). Each read fills up to the slab's free space, so a busy download needs a
   * fraction of the read calls and fewer messages straddle reads; received blocks stay zero-copy
   * views, and a slab is freed once no block view refers to it.
   */
  readBufferSize?: number;
  /**
   * Give up after this many milliseconds: a positive number, `Infinity` for never (beyond about 24.8
   * days, timers cannot count; longer is never too). Default 30 000.
   */
  timeout?: number;
  /** Local address to bind (e.g. 127.0.0.1). */
  localAddress?: string;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

// Timers take at most 2^31 - 1 ms; node:timers turns anything longer (Infinity too) into 1 ms.
const MAX_TIMER = 0x7fffffff;

/**
 * Opens a TCP connection. Rejects with the socket's error, or WIRE_TIMEOUT; a `timeout` that is not
 * a positive number rejects with WIRE_INVALID_ARGUMENT.
 */
export function connect(options: ConnectOptions): Promise<TcpConnection> {
  const timeout = options.timeout ?? 30_000;
  if (!(typeof timeout === 'number' && timeout > 0)) {
    return Promise.reject(new WireError('WIRE_INVALID_ARGUMENT', `timeout must be a positive number, got ${timeout}`));
  }
  return new Promise((resolve, reject) => {
    const opts: NetConnectOpts = { host: options.host, port: options.port };
    if (options.localAddress) opts.localAddress = options.localAddress;
    let conn: TcpConnection | undefined;
    const early: Uint8Array[] = [];
    const slabSize = isNode ? (options.readBufferSize ?? 256 * 1024) : 0;
    if (slabSize > 0) {
      // Node asks for the next read buffer right after each callback, so the free tail of the
      // current slab can be handed out again; below 64 KiB left, a fresh slab starts.
      let slab = new Uint8Array(slabSize);
      let used = 0;
      opts.onread = {
        buffer: () => {
          if (slab.length - used < Math.min(65536, slabSize)) {
            slab = new Uint8Array(slabSize);
            used = 0;
          }
          return slab.subarray(used);
        },
        callback: (n: number, buf: Uint8Array) => {
          used += n;
          const chunk = buf.subarray(0, n);
          if (conn) return conn._slabChunk(chunk);
          early.push(chunk);
          return false;
        },
      };
    }
    const socket = createConnection(opts);
    const fail = (err: unknown): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(options.signal?.reason ?? new WireError('WIRE_CLOSED', 'connect aborted'));
    const timer =
      timeout <= MAX_TIMER
        ? setTimeout(() => fail(new WireError('WIRE_TIMEOUT', `connect to ${options.host}:${options.port} timed out`)), timeout)
        : undefined;
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      conn = new TcpConnection(socket, slabSize > 0);
      for (const chunk of early.splice(0)) conn._slabChunk(chunk);
      resolve(conn);
    });
  });
}

/** A listening TCP server for incoming peers. */
export interface TcpListener {
  /** The bound port (useful after listening on port 0). */
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /** Stops accepting and closes every connection it accepted. */
  close(): Promise<void>;
}

/** Where to listen. Defaults to 127.0.0.1 and an ephemeral port. */
export interface ListenOptions {
  host?: string;
  port?: number;
}

/** Listens for incoming connections and hands each to `onConnection`. */
export function listen(options: ListenOptions, onConnection: (conn: TcpConnection) => void): Promise<TcpListener> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onConnection(new TcpConnection(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        port,
        host,
        server,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Options of {@link runSession}. */
export interface RunSessionOptions {
  /** How often to call `session.tick`, in milliseconds (positive, at most 2^31 - 1). Default 1000. */
  tickInterval?: number;
  /**
   * The clock, in milliseconds. Default `performance.now`: monotonic, so a wall clock set back (NTP,
   * DST-less manual changes) cannot stop keep-alives and idle timeouts, nor a jump forward fire them.
   */
  now?: () => number;
  /**
   * Stop reading from the peer while more than this many bytes wait in our write buffer, and read
   * again once it drains. Default 1 MiB. A seeder that follows `needsDrain` never gets near it.
   */
  maxWriteBuffer?: number;
}

/**
 * Drives a {@link PeerSession} over a connection: received bytes go to `session.receive`, a timer
 * calls `session.tick`, the session closes when the socket does and the socket closes when the
 * session does. Create the session with `onSend: (d) => conn.write(d)`. Returns a promise that
 * resolves once both are closed. While more than `maxWriteBuffer` bytes wait to be sent, it stops
 * reading from the peer (`conn.pause`) until the buffer is back under it: a peer that sends
 * requests but never reads the answers (rejects, for one) cannot grow our memory, and is closed by
 * the idle timeout. Throws `WIRE_INVALID_ARGUMENT` for a bad `tickInterval` or `maxWriteBuffer`.
 */
export function runSession(conn: TcpConnection, session: PeerSession, options: RunSessionOptions = {}): Promise<void> {
  const now = options.now ?? (() => performance.now());
  const maxWriteBuffer = options.maxWriteBuffer ?? 1024 * 1024;
  const tickInterval = options.tickInterval ?? 1000;
  // node:timers would run an interval of NaN, 0 or more than 2^31 - 1 ms (Infinity too) every 1 ms.
  if (!(typeof tickInterval === 'number' && tickInterval > 0 && tickInterval <= MAX_TIMER)) {
    throw new WireError('WIRE_INVALID_ARGUMENT', `tickInterval must be a positive number of at most 2^31 - 1 ms, got ${tickInterval}`);
  }
  if (!(maxWriteBuffer >= 0)) throw new WireError('WIRE_INVALID_ARGUMENT', `maxWriteBuffer must be a non-negative number, got ${maxWriteBuffer}`);
  const check = (): void => {
    if (session.closed) conn.close();
  };
  let paused = false;
  const unpause = (): void => {
    if (!paused) return;
    paused = false;
    conn.resume();
  };
  conn.onDrain(unpause);
  // Start first: the session's timers (handshake and idle timeouts) count from this clock value.
  session.start(now());
  conn.onData((chunk) => {
    session.receive(chunk, now());
    check();
    // Not when the owner paused the connection itself: the drain must not resume it behind its back.
    if (!paused && !conn.isClosed && conn.bufferedAmount > maxWriteBuffer && !conn.socket.isPaused()) {
      paused = true;
      conn.pause();
    }
  });
  const timer = setInterval(() => {
    // A slow reader need not empty the whole buffer (a drain) before we read its messages again.
    if (conn.bufferedAmount <= maxWriteBuffer) unpause();
    session.tick(now());
    check();
  }, tickInterval);
  timer.unref?.();
  check();
  return conn.closed.then(() => {
    clearInterval(timer);
    session.close(new WireError('WIRE_CLOSED', 'connection closed'));
  });
}
