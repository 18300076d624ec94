#!/usr/bin/env node
// One side of the wire benchmark in its own process. Usage:
//   node wire-peer.mjs serve ours|ours-codec|bittorrent-protocol   listen on 127.0.0.1:0, print {"port":N}, serve
//   every request with the same 16 KiB block from memory; exit on stdin EOF or SIGTERM.
//   (the client side lives in wire-client.mjs and runs in the benchmark's process)
import { createServer } from 'node:net';
import { BLOCK, INFO_HASH, peerId } from './wire-common.mjs';

const [mode, kind] = process.argv.slice(2);
if (mode !== 'serve' || !['ours', 'ours-codec', 'bittorrent-protocol'].includes(kind)) {
  console.error('usage: wire-peer.mjs serve ours|ours-codec|bittorrent-protocol');
  process.exit(2);
}
const block = new Uint8Array(BLOCK);
for (let i = 0; i < BLOCK; i++) block[i] = (i * 31 + 7) & 255;

let onConnection;
if (kind === 'ours') {
  // The whole @torrentkit/wire stack: PeerSession (validation, queues, state) over ./tcp.
  const { PeerSession, Bitfield } = await import('@torrentkit/wire');
  const tcp = await import('@torrentkit/wire/tcp');
  const { PIECE, PIECES } = await import('./wire-common.mjs');
  const torrent = { pieceCount: PIECES, pieceLength: PIECE, totalLength: PIECES * PIECE };
  const server = await tcp.listen({ port: 0 }, (c) => {
    const s = new PeerSession({
      infoHash: INFO_HASH, peerId: peerId(), torrent, pieces: Bitfield.full(PIECES), reqq: 1000,
      onSend: (d) => c.write(d),
      onEvent: (e) => {
        if (e.type === 'interested') s.unchoke();
        else if (e.type === 'request') s.sendPiece(e.index, e.begin, block.subarray(0, e.length));
      },
    });
    tcp.runSession(c, s);
  });
  console.log(JSON.stringify({ port: server.port }));
} else if (kind === 'ours-codec') {
  const { WireParser, encodeHandshake, encodeUnchoke, encodeHaveAll, PIECE_HEADER_LENGTH, encodePieceHeader } = await import('@torrentkit/wire');
  onConnection = (socket) => {
    socket.setNoDelay(true);
    const parser = new WireParser();
    // Headers of all requests in one incoming chunk go into one buffer; header + block pairs leave in
    // a single corked writev. The block itself is never copied.
    let headers = new Uint8Array(64 * PIECE_HEADER_LENGTH);
    let pending = [];
    socket.on('data', (chunk) => {
      pending.length = 0;
      parser.push(chunk, (ev) => {
        if (ev.type === 'request') pending.push(ev.index, ev.begin, ev.length);
        else if (ev.type === 'handshake') {
          socket.write(encodeHandshake({ infoHash: INFO_HASH, peerId: peerId(), reserved: { fast: true } }));
          socket.write(encodeHaveAll());
        } else if (ev.type === 'interested') socket.write(encodeUnchoke());
      });
      const n = pending.length / 3;
      if (n === 0) return;
      if (headers.length < n * PIECE_HEADER_LENGTH) headers = new Uint8Array(n * PIECE_HEADER_LENGTH * 2);
      socket.cork();
      for (let i = 0; i < n; i++) {
        const h = headers.subarray(i * PIECE_HEADER_LENGTH, (i + 1) * PIECE_HEADER_LENGTH);
        encodePieceHeader(pending[3 * i], pending[3 * i + 1], pending[3 * i + 2], h, 0);
        socket.write(h);
        socket.write(block.subarray(0, pending[3 * i + 2]));
      }
      socket.uncork();
      // a fresh header buffer next time: the corked writes still reference this one
      headers = new Uint8Array(headers.length);
    });
    socket.on('error', () => {});
  };
} else {
  const { default: Protocol } = await import('bittorrent-protocol');
  onConnection = (socket) => {
    socket.setNoDelay(true);
    const wire = new Protocol();
    socket.pipe(wire).pipe(socket);
    wire.on('handshake', () => {
      wire.handshake(INFO_HASH, peerId(), { dht: false, fast: true });
      wire.haveAll();
    });
    wire.on('interested', () => wire.unchoke());
    wire.on('request', (_index, _offset, length, respond) => respond(null, block.subarray(0, length)));
    wire.on('error', () => socket.destroy());
    socket.on('error', () => wire.destroy());
  };
}

if (onConnection) {
  const server = createServer(onConnection);
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
}
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
