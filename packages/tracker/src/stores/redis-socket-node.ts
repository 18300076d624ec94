// node:net adapter for the Redis client; Node, Deno and Bun all provide node:net.
import { createConnection } from 'node:net';
import type { RedisConnector } from './redis-client.ts';

/** Connects over TCP with Nagle off (pipelined commands should not wait for ACKs). */
export const connectNodeSocket: RedisConnector = (host, port, handlers) =>
  new Promise((resolve, reject) => {
    const s = createConnection({ host, port });
    let open = false;
    s.setNoDelay(true);
    s.on('connect', () => {
      open = true;
      resolve({
        write: (bytes) => { s.write(bytes); },
        close: () => { s.destroy(); },
      });
    });
    s.on('data', (chunk: Uint8Array) => handlers.data(chunk));
    s.on('error', (err) => { if (!open) reject(err); });
    s.on('close', () => { if (open) handlers.close(); });
  });
