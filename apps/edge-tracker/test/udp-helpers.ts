// Minimal BEP 15 client for tests: connect, then announce, over node:dgram.
import { createSocket, type Socket } from 'node:dgram';

// One socket for connect and announce: connection ids are bound to the client's address and port.
function request(sock: Socket, port: number, packet: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no UDP reply within 3 s')), 3000);
    sock.once('message', (msg) => { clearTimeout(timer); resolve(new Uint8Array(msg)); });
    sock.send(packet, port, '127.0.0.1');
  });
}

/** Connects and announces; returns the parsed announce reply. */
export async function udpAnnounce(port: number, o: { infoHash: Uint8Array; peerId: Uint8Array; peerPort: number; left: bigint }): Promise<{
  action: number; interval: number; leechers: number; seeders: number; peers: string[];
}> {
  const sock = createSocket('udp4');
  try {
    return await exchange(sock, port, o);
  } finally {
    sock.close();
  }
}

async function exchange(sock: Socket, port: number, o: { infoHash: Uint8Array; peerId: Uint8Array; peerPort: number; left: bigint }) {
  const c = new Uint8Array(16);
  const cv = new DataView(c.buffer);
  cv.setBigUint64(0, 0x41727101980n);
  cv.setUint32(8, 0);
  cv.setUint32(12, 0x1234);
  const cr = await request(sock, port, c);
  const crv = new DataView(cr.buffer, cr.byteOffset, cr.byteLength);
  if (crv.getUint32(0) !== 0 || crv.getUint32(4) !== 0x1234) throw new Error('bad connect reply');
  const cid = crv.getBigUint64(8);
  const a = new Uint8Array(98);
  const av = new DataView(a.buffer);
  av.setBigUint64(0, cid);
  av.setUint32(8, 1);
  av.setUint32(12, 0x5678);
  a.set(o.infoHash, 16);
  a.set(o.peerId, 36);
  av.setBigUint64(64, o.left);
  av.setUint32(80, 2); // started
  av.setInt32(92, -1);
  av.setUint16(96, o.peerPort);
  const ar = await request(sock, port, a);
  const v = new DataView(ar.buffer, ar.byteOffset, ar.byteLength);
  const peers: string[] = [];
  for (let i = 20; i + 6 <= ar.length; i += 6) peers.push(`${ar[i]}.${ar[i + 1]}.${ar[i + 2]}.${ar[i + 3]}:${v.getUint16(i + 4)}`);
  return { action: v.getUint32(0), interval: v.getUint32(8), leechers: v.getUint32(12), seeders: v.getUint32(16), peers: peers.sort() };
}
