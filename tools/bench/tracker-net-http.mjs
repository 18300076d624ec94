// A prototype for core, measured by the tracker benchmark as "torrentkit memory, net HTTP": the same
// tracker core (createTracker + handleHttpTarget/handleUdp) served by a minimal HTTP/1.1 reader over
// node:net instead of node:http. Trackers only ever answer small GET requests, so the request line is
// all that matters: find the end of the head, take method and target, note `Connection: close` /
// HTTP/1.0, and write status line, headers and body with one write. Pipelined requests are answered
// in order. Anything with a body, or a head over 16 KiB, gets an error and the connection closes.
// Not a general HTTP server; it shows how much of a tracker's HTTP cost is node:http itself.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

const MAX_HEAD = 16 * 1024;
const REASON = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error' };
const CRLF2 = Buffer.from('\r\n\r\n');

export async function serveNetHttp(tracker, { host, port }) {
  const server = createServer({ noDelay: true }, (socket) => {
    const ip = socket.remoteAddress ?? '';
    let buf = Buffer.alloc(0);
    let busy = false; // answering one request; later ones wait in `buf` (pipelining keeps order)
    let closed = false;
    socket.on('error', () => {});
    socket.on('close', () => { closed = true; });
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      if (!busy) void drain();
    });

    async function drain() {
      busy = true;
      while (!closed) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) {
          if (buf.length > MAX_HEAD) reply(431, Buffer.from('head too large\n'), true);
          break;
        }
        const head = buf.latin1Slice(0, end);
        buf = buf.subarray(end + 4);
        const lineEnd = head.indexOf('\r\n');
        const [method, target, version] = (lineEnd < 0 ? head : head.slice(0, lineEnd)).split(' ');
        const lower = head.toLowerCase();
        if (!target || !version?.startsWith('HTTP/1.') || lower.includes('\ncontent-length:') || lower.includes('\ntransfer-encoding:')) {
          reply(400, Buffer.from('bad request\n'), true);
          break;
        }
        const close = version === 'HTTP/1.0' ? !lower.includes('\nconnection: keep-alive') : lower.includes('\nconnection: close');
        let r;
        try {
          r = await tracker.handleHttpTarget(method, target, ip);
        } catch {
          r = { status: 500, contentType: 'text/plain', body: new Uint8Array(0) };
        }
        reply(r.status, method === 'HEAD' ? new Uint8Array(0) : r.body, close, r.contentType, r.body.length);
        if (close) break;
      }
      busy = false;
    }

    function reply(status, body, close, type = 'text/plain', length = body.length) {
      if (closed) return;
      const head = `HTTP/1.1 ${status} ${REASON[status] ?? 'OK'}\r\ncontent-type: ${type}\r\ncontent-length: ${length}\r\n` +
        `cache-control: no-store\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
      const out = Buffer.allocUnsafe(head.length + body.length);
      out.latin1Write(head, 0);
      out.set(body, head.length);
      if (close) { socket.end(out); closed = true; } else socket.write(out);
    }
  });
  await new Promise((r) => server.listen(port, host, r));
  const p = server.address().port;
  const udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    tracker.handleUdp(msg, rinfo).then((reply) => { if (reply) udp.send(reply, rinfo.port, rinfo.address); }, () => {});
  });
  udp.on('error', () => {});
  await new Promise((r) => udp.bind(p, host, r));
  return {
    port: p,
    close: async () => { server.close(); udp.close(); await tracker.close(); },
  };
}
