// UdpTransport over node:dgram for the announce client: one IPv4 and (lazily) one IPv6 socket.
import { createSocket, type Socket } from 'node:dgram';
import type { UdpTransport } from '../client/udp-client.ts';

/** Create a dgram-backed transport. Sockets are unref'd so an idle client does not keep a process alive. */
export function createDgramTransport(): UdpTransport {
  let handler: (packet: Uint8Array, from: string) => void = () => {};
  const sockets = new Map<'udp4' | 'udp6', Socket>();
  const socketFor = (type: 'udp4' | 'udp6') => {
    let s = sockets.get(type);
    if (!s) {
      s = createSocket(type);
      s.on('message', (msg, rinfo) => handler(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo.address));
      s.on('error', () => {});
      s.unref();
      sockets.set(type, s);
    }
    return s;
  };
  return {
    send(packet, host, port) {
      socketFor(host.includes(':') ? 'udp6' : 'udp4').send(packet, port, host);
    },
    onMessage(h) {
      handler = h;
    },
    close() {
      for (const s of sockets.values()) s.close();
      sockets.clear();
    },
  };
}
