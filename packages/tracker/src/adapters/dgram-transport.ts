// UdpTransport over node:dgram for the announce client: one IPv4 and (lazily) one IPv6 socket.
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { UdpTransport } from '../client/udp-client.ts';

/** Resolves a host name to one address and its family. Default: its first IPv4 address, else its first IPv6 one. */
export type HostLookup = (host: string) => Promise<{ address: string; family: number }>;

/** Options of {@link createDgramTransport}. */
export interface DgramTransportOptions {
  /** Name resolution for tracker hosts that are not addresses. Default: `dns.promises.lookup`. */
  lookup?: HostLookup;
}

/**
 * Create a dgram-backed transport. Sockets are unref'd so an idle client does not keep a process
 * alive. A host name is resolved before each send, and the datagram goes out on the socket of the
 * family it resolved to; a name that does not resolve, or a send that fails, rejects the send, so
 * the request fails at once instead of retransmitting for hours.
 */
export function createDgramTransport(options: DgramTransportOptions = {}): UdpTransport {
  // IPv4 first, as the IPv4-only socket had it before; IPv6 for names that have no IPv4 address.
  const lookup = options.lookup ?? (async (host: string) => {
    const all = await dnsLookup(host, { all: true });
    return all.find((a) => a.family === 4) ?? all[0]!;
  });
  let handler: (packet: Uint8Array, from: string, fromPort?: number) => void = () => {};
  const sockets = new Map<'udp4' | 'udp6', Socket>();
  let closed = false;
  const socketFor = (type: 'udp4' | 'udp6') => {
    let s = sockets.get(type);
    if (!s) {
      s = createSocket(type);
      s.on('message', (msg, rinfo) => handler(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo.address, rinfo.port));
      s.on('error', () => {});
      s.unref();
      sockets.set(type, s);
    }
    return s;
  };
  return {
    async send(packet, host, port) {
      const family = isIP(host);
      const to = family !== 0 ? { address: host, family } : await lookup(host);
      // Closed while the name resolved: no socket may be made after close().
      if (closed) throw new Error('transport closed');
      await new Promise<void>((resolve, reject) => {
        socketFor(to.family === 6 ? 'udp6' : 'udp4').send(packet, port, to.address, (err) => (err ? reject(err) : resolve()));
      });
    },
    onMessage(h) {
      handler = h;
    },
    close() {
      closed = true;
      for (const s of sockets.values()) s.close();
      sockets.clear();
    },
  };
}
