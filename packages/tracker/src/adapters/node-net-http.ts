// A minimal HTTP/1.1 front end on node:net for the tracker's GET-only protocol: request line and
// headers in, one buffer out per reply. It skips node:http's per-request objects (IncomingMessage,
// ServerResponse, header maps), which cost more than the tracker's own work. Bounded like node:http:
// head size cap (431), head timeout, idle keep-alive timeout, one request at a time per connection
// (pipelined requests wait in the buffer), and no request bodies (refused, connection closed).
import { createServer, type Server, type Socket } from 'node:net';
import type { RawHttpReply } from '../server.ts';

/** Options of {@link createNetHttpServer}. */
export interface NetHttpOptions {
  headersTimeout: number;
  keepAliveTimeout: number;
  maxHeaderSize: number;
}

type Handler = (method: string, target: string, clientIp: string) => Promise<RawHttpReply>;

const REASONS: Record<number, string> = {
  200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  411: 'Length Required', 413: 'Content Too Large', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
  505: 'HTTP Version Not Supported',
};
const CRLFCRLF = Buffer.from('\r\n\r\n');

function reply(status: number, body: Uint8Array, contentType: string, keepAlive: boolean, head: boolean): Buffer {
  const header = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}\r\ncontent-type: ${contentType}\r\n` +
    `content-length: ${body.length}\r\ncache-control: no-store\r\nconnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
  const out = Buffer.allocUnsafe(header.length + (head ? 0 : body.length));
  out.write(header, 0, 'latin1');
  if (!head) out.set(body, header.length);
  return out;
}

const plain = (status: number, text: string) => reply(status, new TextEncoder().encode(text), 'text/plain', false, false);

/** Create the server; call `.listen()` on it. Each connection is served by `handle`. */
export function createNetHttpServer(handle: Handler, o: NetHttpOptions): Server {
  return createServer({ noDelay: true }, (socket) => serve(socket, handle, o));
}

function serve(socket: Socket, handle: Handler, o: NetHttpOptions): void {
  let pending: Buffer | undefined;
  let busy = false;
  let closed = false;
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

  function next(): void {
    while (!busy && !closed && pending && pending.length > 0) {
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
      // Only three headers matter; scan them without building a header map.
      for (let at = lineEnd; at >= 0 && at < head.length;) {
        const nl = head.indexOf('\r\n', at + 2);
        const h = head.slice(at + 2, nl < 0 ? head.length : nl);
        at = nl;
        const colon = h.indexOf(':');
        if (colon <= 0) continue;
        const name = h.slice(0, colon).trim().toLowerCase();
        const value = h.slice(colon + 1).trim().toLowerCase();
        if (name === 'connection') {
          if (value.includes('close')) keepAlive = false;
          else if (value.includes('keep-alive')) keepAlive = true;
        } else if (name === 'transfer-encoding' || (name === 'content-length' && value !== '0')) {
          return fail(413, 'request bodies are not accepted\n');
        }
      }
      busy = true;
      const isHead = method === 'HEAD';
      handle(method, target, ip).then((r) => {
        if (closed) return;
        const ka = keepAlive && r.status !== 405;
        if (ka) socket.write(reply(r.status, r.body, r.contentType, true, isHead));
        else {
          closed = true;
          socket.end(reply(r.status, r.body, r.contentType, false, isHead));
        }
      }, () => {
        if (!closed) fail(500, 'internal error\n');
      }).finally(() => {
        busy = false;
        next();
      });
    }
  }

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    pending = pending ? Buffer.concat([pending, chunk]) : chunk;
    // Bound what a client can queue behind a slow request (pipelining).
    if (pending.length > o.maxHeaderSize * 4) return fail(431, 'too much pipelined data\n');
    next();
  });
}
