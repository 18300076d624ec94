// A small pipelining Redis client over an injected byte-stream socket (see redis-socket-node.ts).
// Commands issued in the same tick are written as one chunk; replies resolve in order. Lua scripts
// run with EVALSHA and are loaded on demand (NOSCRIPT), so a restarted or flushed server heals itself.
import { TrackerError } from '../errors.ts';
import { encodeCommand, RedisReplyError, RespParser, type RedisArg, type RedisReply } from './redis-resp.ts';

/** The byte stream the client talks over. Implementations: `connectNodeSocket` (node:net). */
export interface RedisSocket {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** Callbacks a connector wires to its socket. */
export interface RedisSocketHandlers {
  data(chunk: Uint8Array): void;
  close(error?: Error): void;
}

/** Opens a socket to `host:port`; resolves once it is connected. */
export type RedisConnector = (host: string, port: number, handlers: RedisSocketHandlers) => Promise<RedisSocket>;

/** Options of {@link RedisClient}. */
export interface RedisClientOptions {
  /** `redis://[user[:password]@]host[:port][/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** How to open a socket. */
  connect: RedisConnector;
  /** Fail a command that has no reply after this many ms (the connection is then dropped). Default 10,000. */
  commandTimeoutMs?: number;
}

/** Stable codes of the `TrackerError`s this client throws. */
export type RedisErrorCode = 'REDIS_REPLY' | 'REDIS_CONNECTION' | 'REDIS_TIMEOUT' | 'REDIS_PROTOCOL' | 'REDIS_CLOSED';

function redisError(code: RedisErrorCode, message: string, options?: { cause?: unknown }): TrackerError {
  return new TrackerError(code, message, options);
}

/** A Lua script known by source; its SHA1 is learnt from `SCRIPT LOAD` on first use. */
export class RedisScript {
  readonly source: string;
  sha: string | undefined;
  /** The SCRIPT LOAD in flight, shared so that a burst of first calls loads the script once. */
  loading: Promise<string> | undefined;
  constructor(source: string) {
    this.source = source;
  }
}

interface Pending {
  resolve(r: RedisReply): void;
  reject(e: Error): void;
}

const hostPort = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/;

/** Parses a redis:// URL into connection settings. */
export function parseRedisUrl(url: string): { host: string; port: number; username?: string; password?: string; db: number } {
  const u = new URL(url);
  if (u.protocol !== 'redis:') throw redisError('REDIS_CONNECTION', `unsupported Redis URL scheme ${u.protocol} (only redis://)`);
  const m = hostPort.exec(u.host);
  const host = m?.[1] ?? m?.[2] ?? '127.0.0.1';
  const port = u.port ? Number(u.port) : 6379;
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw redisError('REDIS_CONNECTION', `bad database number in ${url}`);
  const out: { host: string; port: number; username?: string; password?: string; db: number } = { host, port, db };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  return out;
}

/** A pipelining RESP2 client: one connection, many in-flight commands, lazy (re)connect. */
export class RedisClient {
  readonly #opts: RedisClientOptions;
  readonly #target: ReturnType<typeof parseRedisUrl>;
  #socket: RedisSocket | undefined;
  #connecting: Promise<RedisSocket> | undefined;
  #parser = new RespParser();
  #inflight: Pending[] = [];
  #inflightHead = 0;
  #outbox: Uint8Array[] = [];
  #outboxBytes = 0;
  #flushScheduled = false;
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastProgress = Date.now();

  constructor(opts: RedisClientOptions) {
    this.#opts = opts;
    this.#target = parseRedisUrl(opts.url ?? 'redis://127.0.0.1:6379');
  }

  /** Sends one command; resolves with its reply, rejects with `REDIS_REPLY` on an error reply. */
  async command(args: readonly RedisArg[]): Promise<RedisReply> {
    if (this.#closed) throw redisError('REDIS_CLOSED', 'Redis client is closed');
    const frame = encodeCommand(args);
    if (!this.#socket) await this.#connect();
    return new Promise<RedisReply>((resolve, reject) => {
      this.#inflight.push({
        resolve: (r) => r instanceof RedisReplyError ? reject(redisError('REDIS_REPLY', r.message)) : resolve(r),
        reject,
      });
      this.#enqueue(frame);
    });
  }

  /** Runs a Lua script with EVALSHA, loading it first when the server does not know it. */
  async eval(script: RedisScript, keys: readonly RedisArg[], args: readonly RedisArg[]): Promise<RedisReply> {
    if (script.sha === undefined) script.sha = await this.#load(script);
    try {
      return await this.command(['EVALSHA', script.sha, keys.length, ...keys, ...args]);
    } catch (e) {
      if (!(e instanceof TrackerError) || !e.message.startsWith('NOSCRIPT')) throw e;
      script.sha = await this.#load(script);
      return this.command(['EVALSHA', script.sha, keys.length, ...keys, ...args]);
    }
  }

  #load(script: RedisScript): Promise<string> {
    script.loading ??= this.command(['SCRIPT', 'LOAD', script.source]).then(
      (r) => r instanceof Uint8Array ? new TextDecoder().decode(r) : String(r),
    ).finally(() => { script.loading = undefined; });
    return script.loading;
  }

  /** Closes the connection; in-flight commands are rejected. */
  close(): void {
    this.#closed = true;
    this.#drop(redisError('REDIS_CLOSED', 'Redis client closed'));
  }

  #enqueue(frame: Uint8Array): void {
    this.#outbox.push(frame);
    this.#outboxBytes += frame.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const socket = this.#socket;
    if (!socket || this.#outbox.length === 0) return;
    let chunk: Uint8Array;
    if (this.#outbox.length === 1) chunk = this.#outbox[0]!;
    else {
      chunk = new Uint8Array(this.#outboxBytes);
      let o = 0;
      for (const f of this.#outbox) { chunk.set(f, o); o += f.length; }
    }
    this.#outbox = [];
    this.#outboxBytes = 0;
    socket.write(chunk);
  }

  #connect(): Promise<RedisSocket> {
    this.#connecting ??= (async () => {
      const { host, port, username, password, db } = this.#target;
      let socket: RedisSocket;
      try {
        socket = await this.#opts.connect(host, port, {
          data: (chunk) => this.#onData(chunk),
          close: (err) => {
            if (this.#socket === socket) this.#drop(redisError('REDIS_CONNECTION', `Redis connection to ${host}:${port} closed`, { cause: err }));
          },
        });
      } catch (e) {
        this.#connecting = undefined;
        throw redisError('REDIS_CONNECTION', `cannot connect to Redis at ${host}:${port}`, { cause: e });
      }
      this.#socket = socket;
      this.#parser = new RespParser();
      this.#startTimer();
      // Handshake commands go first on the new connection, ahead of anything queued meanwhile.
      const hello: Promise<RedisReply>[] = [];
      const send = (args: RedisArg[]) => hello.push(new Promise((resolve, reject) => {
        this.#inflight.push({ resolve: (r) => r instanceof RedisReplyError ? reject(redisError('REDIS_REPLY', r.message)) : resolve(r), reject });
        this.#enqueue(encodeCommand(args));
      }));
      if (password !== undefined) send(username !== undefined ? ['AUTH', username, password] : ['AUTH', password]);
      if (db !== 0) send(['SELECT', db]);
      if (hello.length) {
        try {
          await Promise.all(hello);
        } catch (e) {
          // A refused AUTH or SELECT leaves a connection nobody may use: drop it.
          this.#drop(redisError('REDIS_CONNECTION', `Redis refused the connection handshake: ${(e as Error).message}`));
          throw redisError('REDIS_CONNECTION', `Redis refused the connection handshake: ${(e as Error).message}`, { cause: e });
        }
      }
      this.#connecting = undefined;
      return socket;
    })();
    return this.#connecting;
  }

  #onData(chunk: Uint8Array): void {
    let replies: RedisReply[];
    try {
      replies = this.#parser.push(chunk);
    } catch (e) {
      this.#drop(redisError('REDIS_PROTOCOL', 'Redis sent bytes that are not RESP', { cause: e }));
      return;
    }
    if (replies.length) this.#lastProgress = Date.now();
    for (const r of replies) {
      const p = this.#inflight[this.#inflightHead];
      if (!p) { this.#drop(redisError('REDIS_PROTOCOL', 'Redis sent a reply nobody asked for')); return; }
      this.#inflight[this.#inflightHead++] = undefined as unknown as Pending;
      p.resolve(r);
    }
    // Compact the FIFO now and then instead of shifting per reply.
    if (this.#inflightHead > 1024 && this.#inflightHead * 2 > this.#inflight.length) {
      this.#inflight = this.#inflight.slice(this.#inflightHead);
      this.#inflightHead = 0;
    }
  }

  #startTimer(): void {
    const timeout = this.#opts.commandTimeoutMs ?? 10_000;
    this.#lastProgress = Date.now();
    this.#timer ??= setInterval(() => {
      const waiting = this.#inflight.length - this.#inflightHead;
      if (waiting > 0 && Date.now() - this.#lastProgress > timeout) {
        this.#drop(redisError('REDIS_TIMEOUT', `Redis did not answer within ${timeout} ms`));
      } else if (waiting === 0) this.#lastProgress = Date.now();
    }, Math.min(1000, timeout));
    // Never keep a process alive just to watch an idle connection.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #drop(error: Error): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#connecting = undefined;
    if (this.#timer !== undefined) { clearInterval(this.#timer); this.#timer = undefined; }
    const pending = this.#inflight.slice(this.#inflightHead);
    this.#inflight = [];
    this.#inflightHead = 0;
    this.#outbox = [];
    this.#outboxBytes = 0;
    try { socket?.close(); } catch { /* already gone */ }
    for (const p of pending) p.reject(error);
  }
}
