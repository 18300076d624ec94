// RESP2, the Redis serialization protocol (https://redis.io/docs/latest/develop/reference/protocol-spec/).
// Pure codec: command arrays to bytes, and an incremental reply parser that is fed socket chunks.
// Bulk strings stay binary (Uint8Array) because swarm members and compact peers are raw bytes.

/** One argument of a Redis command. Strings are sent as UTF-8; numbers in decimal. */
export type RedisArg = string | number | Uint8Array;

/** A decoded reply. Errors are values (not thrown) so one failed command in a pipeline stays local. */
export type RedisReply = string | number | Uint8Array | null | RedisReplyError | RedisReply[];

/** An error reply (`-ERR ...`) from the server, kept apart from transport errors. */
export class RedisReplyError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
  /** The first word of the message, e.g. `NOSCRIPT`, `WRONGTYPE`, `ERR`. */
  get kind(): string {
    const sp = this.message.indexOf(' ');
    return sp < 0 ? this.message : this.message.slice(0, sp);
  }
}

const utf8 = new TextEncoder();
const digitsCache: Uint8Array[] = [];
for (let i = 0; i < 64; i++) digitsCache.push(utf8.encode(String(i)));

function asciiDigits(n: number): Uint8Array {
  return n < 64 ? digitsCache[n]! : utf8.encode(String(n));
}

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly RedisArg[]): Uint8Array {
  const parts: Uint8Array[] = new Array(args.length);
  let size = 1 + asciiDigits(args.length).length + 2;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const bytes = a instanceof Uint8Array ? a : typeof a === 'number' ? asciiDigits(a) : utf8.encode(a);
    if (typeof a === 'number' && !Number.isFinite(a)) throw new TypeError(`redis argument ${i} is not finite`);
    parts[i] = bytes;
    size += 1 + asciiDigits(bytes.length).length + 2 + bytes.length + 2;
  }
  const out = new Uint8Array(size);
  let o = 0;
  const put = (b: Uint8Array) => { out.set(b, o); o += b.length; };
  out[o++] = 0x2a; // '*'
  put(asciiDigits(args.length));
  out[o++] = 13; out[o++] = 10;
  for (const p of parts) {
    out[o++] = 0x24; // '$'
    put(asciiDigits(p.length));
    out[o++] = 13; out[o++] = 10;
    put(p);
    out[o++] = 13; out[o++] = 10;
  }
  return out;
}

/** Limits that keep a confused or hostile server from making the parser allocate without bound. */
export interface RespLimits {
  /** Largest bulk string, bytes. Default 64 MiB. */
  maxBulk?: number;
  /** Most elements in one array. Default 1,000,000. */
  maxArray?: number;
  /** Deepest array nesting. Default 16. */
  maxDepth?: number;
}

/** Thrown by {@link RespParser} when the byte stream is not RESP; the connection must be dropped. */
export class RespProtocolError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'RespProtocolError';
    this.offset = offset;
  }
}

const NEED_MORE = Symbol('need-more');
type Step = RedisReply | typeof NEED_MORE;
const latin1 = new TextDecoder('latin1');
const textDecoder = new TextDecoder();

/**
 * Incremental reply parser. `push(chunk)` returns every reply completed by that chunk, in order.
 * A partial reply is kept and re-parsed when more bytes arrive.
 */
export class RespParser {
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  readonly #maxBulk: number;
  readonly #maxArray: number;
  readonly #maxDepth: number;

  constructor(limits: RespLimits = {}) {
    this.#maxBulk = limits.maxBulk ?? 64 * 1024 * 1024;
    this.#maxArray = limits.maxArray ?? 1_000_000;
    this.#maxDepth = limits.maxDepth ?? 16;
  }

  push(chunk: Uint8Array): RedisReply[] {
    if (this.#pos < this.#buf.length) {
      const rest = this.#buf.subarray(this.#pos);
      const joined = new Uint8Array(rest.length + chunk.length);
      joined.set(rest, 0);
      joined.set(chunk, rest.length);
      this.#buf = joined;
    } else {
      // Copy: the caller (a socket) may reuse its chunk buffer, bulk replies are views into ours, and
      // a Node Buffer must not leak out of a public API.
      this.#buf = new Uint8Array(chunk);
    }
    this.#pos = 0;
    const out: RedisReply[] = [];
    for (;;) {
      if (this.#pos >= this.#buf.length) break;
      const start = this.#pos;
      const r = this.#parse(0);
      if (r === NEED_MORE) { this.#pos = start; break; }
      out.push(r);
    }
    return out;
  }

  /** Bytes held from an incomplete reply. */
  get pending(): number {
    return this.#buf.length - this.#pos;
  }

  #line(): number {
    // Returns the index of '\r' ending the current line, or -1 if it has not arrived yet.
    const b = this.#buf;
    for (let i = this.#pos; i < b.length - 1; i++) {
      if (b[i] === 13) {
        if (b[i + 1] !== 10) throw new RespProtocolError('CR not followed by LF', i);
        return i;
      }
    }
    return -1;
  }

  #int(from: number, to: number): number {
    const b = this.#buf;
    let i = from, neg = false, n = 0;
    if (b[i] === 0x2d) { neg = true; i++; }
    if (i >= to || to - i > 19) throw new RespProtocolError('bad integer', from);
    for (; i < to; i++) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) throw new RespProtocolError('bad integer', i);
      n = n * 10 + d;
    }
    return neg ? -n : n;
  }

  #parse(depth: number): Step {
    const b = this.#buf;
    if (this.#pos >= b.length) return NEED_MORE;
    const type = b[this.#pos]!;
    const at = this.#pos;
    this.#pos++;
    const end = this.#line();
    if (end < 0) return NEED_MORE;
    switch (type) {
      case 0x2b: { // '+'
        const s = latin1.decode(b.subarray(this.#pos, end));
        this.#pos = end + 2;
        return s;
      }
      case 0x2d: { // '-'
        const s = textDecoder.decode(b.subarray(this.#pos, end));
        this.#pos = end + 2;
        return new RedisReplyError(s);
      }
      case 0x3a: { // ':'
        const n = this.#int(this.#pos, end);
        this.#pos = end + 2;
        return n;
      }
      case 0x24: { // '$'
        const len = this.#int(this.#pos, end);
        if (len === -1) { this.#pos = end + 2; return null; }
        if (len < 0 || len > this.#maxBulk) throw new RespProtocolError(`bulk length ${len} out of range`, at);
        const s = end + 2;
        if (s + len + 2 > b.length) return NEED_MORE;
        if (b[s + len] !== 13 || b[s + len + 1] !== 10) throw new RespProtocolError('bulk not terminated by CRLF', s + len);
        this.#pos = s + len + 2;
        return b.subarray(s, s + len);
      }
      case 0x2a: { // '*'
        const n = this.#int(this.#pos, end);
        this.#pos = end + 2;
        if (n === -1) return null;
        if (n < 0 || n > this.#maxArray) throw new RespProtocolError(`array length ${n} out of range`, at);
        if (depth >= this.#maxDepth) throw new RespProtocolError('arrays nested too deep', at);
        const arr: RedisReply[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const r = this.#parse(depth + 1);
          if (r === NEED_MORE) return NEED_MORE;
          arr[i] = r;
        }
        return arr;
      }
      default:
        throw new RespProtocolError(`unknown reply type byte 0x${type.toString(16)}`, at);
    }
  }
}
