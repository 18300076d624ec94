// The downloading side of the wire benchmark: connects, handshakes, says interested, then keeps
// `depth` 16 KiB requests outstanding for `ms` milliseconds and reports the payload bytes received.
import { connect } from 'node:net';
import { BLOCK, INFO_HASH, PIECE, PIECES, peerId } from './wire-common.mjs';

const BLOCKS_PER_PIECE = PIECE / BLOCK;

/** Runs one client of `kind` against 127.0.0.1:`port`. Resolves { bytes, ms }. */
export async function runClient(kind, port, { depth = 64, ms = 3000, warmupMs = 500 } = {}) {
  if (kind === 'ours') return runSession(port, depth, ms, warmupMs);
  return kind === 'ours-codec' ? runOurs(port, depth, ms, warmupMs) : runBtp(port, depth, ms, warmupMs);
}

// Counts bytes only after the warm-up; resolves when the window closes.
function meter(ms, warmupMs, done) {
  let bytes = 0;
  let counting = false;
  let t0 = 0;
  setTimeout(() => {
    counting = true;
    t0 = performance.now();
    setTimeout(() => done({ bytes, ms: performance.now() - t0 }), ms);
  }, warmupMs);
  return (n) => {
    if (counting) bytes += n;
  };
}

// The whole @torrentkit/wire stack: PeerSession over ./tcp, one new request per block received.
async function runSession(port, depth, ms, warmupMs) {
  const { PeerSession, Bitfield } = await import('@torrentkit/wire');
  const tcp = await import('@torrentkit/wire/tcp');
  const torrent = { pieceCount: PIECES, pieceLength: PIECE, totalLength: PIECES * PIECE };
  const c = await tcp.connect({ host: '127.0.0.1', port });
  let next = 0;
  return new Promise((resolve) => {
    const count = meter(ms, warmupMs, (r) => {
      s.close();
      c.destroy();
      resolve(r);
    });
    const ask = () => {
      const piece = Math.floor(next / BLOCKS_PER_PIECE) % PIECES;
      s.request(piece, (next % BLOCKS_PER_PIECE) * BLOCK, BLOCK);
      next++;
    };
    const s = new PeerSession({
      infoHash: INFO_HASH, peerId: peerId(), torrent, pieces: new Bitfield(PIECES), maxOutstanding: depth,
      onSend: (d) => c.write(d),
      onEvent: (e) => {
        if (e.type === 'handshake') s.interested();
        else if (e.type === 'unchoke') for (let i = 0; i < depth; i++) ask();
        else if (e.type === 'block') {
          count(e.block.length);
          ask();
        }
      },
    });
    tcp.runSession(c, s);
  });
}

async function runOurs(port, depth, ms, warmupMs) {
  const { WireParser, encodeHandshake, encodeInterested, writeBlockMessage, MessageId, REQUEST_LENGTH } = await import('@torrentkit/wire');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const parser = new WireParser({ pieceCount: PIECES });
    let next = 0;
    let finished = false;
    const count = meter(ms, warmupMs, (r) => {
      finished = true;
      socket.destroy();
      resolve(r);
    });
    // All requests made while handling one incoming chunk leave in one write.
    const writeRequests = (n) => {
      const out = new Uint8Array(n * REQUEST_LENGTH);
      let at = 0;
      for (let i = 0; i < n; i++, next++) {
        const piece = Math.floor(next / BLOCKS_PER_PIECE) % PIECES;
        at = writeBlockMessage(out, at, MessageId.request, piece, (next % BLOCKS_PER_PIECE) * BLOCK, BLOCK);
      }
      socket.write(out);
    };
    let got = 0;
    socket.on('data', (chunk) => {
      if (finished) return;
      got = 0;
      parser.push(chunk, (ev) => {
        if (ev.type === 'piece') {
          count(ev.block.length);
          got++;
        } else if (ev.type === 'unchoke') writeRequests(depth);
      });
      if (got > 0) writeRequests(got);
    });
    socket.on('error', (e) => finished || reject(e));
    socket.write(encodeHandshake({ infoHash: INFO_HASH, peerId: peerId(), reserved: { fast: true } }));
    socket.write(encodeInterested());
  });
}

async function runBtp(port, depth, ms, warmupMs) {
  const { default: Protocol } = await import('bittorrent-protocol');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const wire = new Protocol();
    socket.pipe(wire).pipe(socket);
    let next = 0;
    let finished = false;
    const count = meter(ms, warmupMs, (r) => {
      finished = true;
      wire.destroy();
      socket.destroy();
      resolve(r);
    });
    const request = () => {
      if (finished) return;
      const piece = Math.floor(next / BLOCKS_PER_PIECE) % PIECES;
      const offset = (next % BLOCKS_PER_PIECE) * BLOCK;
      next++;
      wire.request(piece, offset, BLOCK, (err, buf) => {
        if (err) return;
        count(buf.length);
        request();
      });
    };
    wire.on('unchoke', () => {
      for (let i = 0; i < depth; i++) request();
    });
    wire.on('error', (e) => finished || reject(e));
    socket.on('error', (e) => finished || reject(e));
    wire.handshake(INFO_HASH, peerId(), { dht: false, fast: true });
    wire.interested();
  });
}
