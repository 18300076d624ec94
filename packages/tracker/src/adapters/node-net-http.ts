// A minimal HTTP/1.1 front end on node:net for the tracker's small GET requests: request line and
// headers in, one buffer out per reply. It skips node:http's per-request objects (IncomingMessage,
// ServerResponse, header maps), which cost more than the tracker's own work. Bounded like node:http:
// head size cap (431), head timeout (408), idle keep-alive timeout, one request at a time per
// connection (pipelined requests wait in a bounded buffer, and replies stop while the client does not read them), and no request bodies (413, connection
// closed). HTTP/1.0 closes after each reply unless it asks for keep-alive.
import { createServer, type Server, type Socket } from 'node:net';

/** Options of {@link createNetHttpServer}. */
export interface NetHttpOptions {
  /** Milliseconds from the first byte of a request head (or from connecting) to its end. */
  headersTimeout: number;
  /** Milliseconds a connection may sit idle between requests. */
  keepAliveTimeout: number;
  /** Largest request head in bytes. */
  maxHeaderSize: number;
}

/** One reply: status, content type, body, and optional extra headers. */
export interface NetHttpReply {
  status: number;
  contentType: string;
  body: Uint8Array;
  headers?: readonly (readonly [string, string])[];
}

/**
 * Answers one request. `head` is the raw request head (request line and header lines, Latin-1) for
 * the rare handler that needs a header; see {@link headerValue}.
 */
export type NetHttpHandler = (method: string, target: string, socketIp: string, head: string) => Promise<NetHttpReply>;

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified',
  400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  413: 'Content Too Large', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable', 505: 'HTTP Version Not Supported',
};
const CRLFCRLF = Buffer.from('\r\n\r\n');
// Headers a handler may not set: the engine owns framing and connection management.
const ENGINE_HEADERS = new Set(['content-length', 'connection', 'transfer-encoding', 'keep-alive', 'content-type']);

/** A safe header line: no CR/LF (response splitting) and a token name. */
const headerOk = (name: string, value: string) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n]/.test(value);

function encodeReply(r: NetHttpReply, keepAlive: boolean, head: boolean): Buffer {
  let extra = 'cache-control: no-store\r\n';
  if (r.headers) {
    extra = '';
    for (const [name, value] of r.headers) {
      if (!ENGINE_HEADERS.has(name.toLowerCase()) && headerOk(name, value)) extra += `${name}: ${value}\r\n`;
    }
  }
  const header = `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? 'Status'}\r\ncontent-type: ${r.contentType}\r\n` +
    `content-length: ${r.body.length}\r\n${extra}connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
  const headerLength = Buffer.byteLength(header, 'latin1');
  const out = Buffer.allocUnsafe(headerLength + (head ? 0 : r.body.length));
  out.write(header, 0, 'latin1');
  if (!head) out.set(r.body, headerLength);
  return out;
}

const plain = (status: number, text: string) =>
  encodeReply({ status, contentType: 'text/plain', body: new TextEncoder().encode(text) }, false, false);

/** The value of header `name` (lower case) in a raw request head, or undefined. Repeats are joined with `, `. */
export function headerValue(head: string, name: string): string | undefined {
  let out: string | undefined;
  for (let at = head.indexOf('\r\n'); at >= 0 && at < head.length;) {
    const nl = head.indexOf('\r\n', at + 2);
    const line = head.slice(at + 2, nl < 0 ? head.length : nl);
    at = nl;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim().toLowerCase() !== name) continue;
    const v = line.slice(colon + 1).trim();
    out = out === undefined ? v : `${out}, ${v}`;
  }
  return out;
}

/** Create the server; call `.listen()` on it. Each connection is served by `handle`. */
export function createNetHttpServer(handle: NetHttpHandler, o: NetHttpOptions): Server {
  return createServer({ noDelay: true }, (socket) => serve(socket, handle, o));
}

function serve(socket: Socket, handle: NetHttpHandler, o: NetHttpOptions): void {
  let pending: Buffer | undefined;
  let busy = false;
  let closed = false;
  // A client that pipelines requests but does not read replies must not make us buffer replies
  // without bound: stop answering (and reading) until the socket drains, as node:http does.
  let blocked = false;
  let headTimer: ReturnType<typeof setTimeout> | undefined;
  const ip = socket.remoteAddress ?? '';

  socket.setTimeout(o.keepAliveTimeout, () => socket.destroy());
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
    if (headTimer) clearTimeout(headTimer);
  });

  const fail = (status: number, text: string) => {
    closed = true;
    if (headTimer) clearTimeout(headTimer);
    socket.end(plain(status, text));
  };

  const armHeadTimer = () => {
    if (!headTimer) headTimer = setTimeout(() => fail(408, 'request head took too long\n'), o.headersTimeout);
  };
  // A connection that never sends a complete first head is dropped like a slow one (node:http does too).
  armHeadTimer();

  function next(): void {
    while (!busy && !blocked && !closed && pending && pending.length > 0) {
      const end = pending.indexOf(CRLFCRLF);
      if (end < 0) {
        if (pending.length > o.maxHeaderSize) return fail(431, 'request head too large\n');
        armHeadTimer();
        return;
      }
      if (end > o.maxHeaderSize) return fail(431, 'request head too large\n');
      if (headTimer) { clearTimeout(headTimer); headTimer = undefined; }
      const head = pending.toString('latin1', 0, end);
      pending = end + 4 < pending.length ? pending.subarray(end + 4) : undefined;

      const lineEnd = head.indexOf('\r\n');
      const line = lineEnd < 0 ? head : head.slice(0, lineEnd);
      const sp1 = line.indexOf(' ');
      const sp2 = line.lastIndexOf(' ');
      if (sp1 <= 0 || sp2 <= sp1) return fail(400, 'bad request line\n');
      const method = line.slice(0, sp1);
      const target = line.slice(sp1 + 1, sp2);
      const version = line.slice(sp2 + 1);
      if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') return fail(505, 'HTTP/1.x only\n');
      if (target.charCodeAt(0) !== 47) return fail(400, 'bad request target\n');
      let keepAlive = version === 'HTTP/1.1';
      // Only three headers matter here; scan them without building a header map.
      for (let at = lineEnd; at >= 0 && at < head.length;) {
        const nl = head.indexOf('\r\n', at + 2);
        const h = head.slice(at + 2, nl < 0 ? head.length : nl);
        at = nl;
        const colon = h.indexOf(':');
        if (colon <= 0) continue;
        const name = h.slice(0, colon).trim().toLowerCase();
        if (name === 'connection') {
          const value = h.slice(colon + 1).toLowerCase();
          if (value.includes('close')) keepAlive = false;
          else if (value.includes('keep-alive')) keepAlive = true;
        } else if (name === 'transfer-encoding' || (name === 'content-length' && h.slice(colon + 1).trim() !== '0')) {
          return fail(413, 'request bodies are not accepted\n');
        }
      }
      busy = true;
      const isHead = method === 'HEAD';
      handle(method, target, ip, head).then((r) => {
        if (closed) return;
        const ka = keepAlive && r.status !== 405;
        if (ka) {
          if (!socket.write(encodeReply(r, true, isHead))) {
            blocked = true;
            socket.pause();
          }
        } else {
          closed = true;
          socket.end(encodeReply(r, false, isHead));
        }
      }, () => {
        if (!closed) fail(500, 'internal error\n');
      }).finally(() => {
        busy = false;
        // Between keep-alive requests only the idle timeout applies; a new partial head re-arms the head timer.
        next();
      });
    }
  }

  socket.on('drain', () => {
    if (!blocked) return;
    blocked = false;
    socket.resume();
    next();
  });

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    const queued = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = queued;
    // Bound what a client can queue behind a slow request (pipelining).
    if (queued.length > o.maxHeaderSize * 4) return fail(431, 'too much pipelined data\n');
    next();
  });
}
