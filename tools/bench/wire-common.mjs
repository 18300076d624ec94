// Constants shared by both processes of the wire benchmark.
import { randomBytes } from 'node:crypto';

export const BLOCK = 16 * 1024;
export const PIECE = 256 * 1024;
export const PIECES = 1024; // a 256 MiB virtual torrent: requests cycle through it
export const INFO_HASH = new Uint8Array(20).fill(0xab);
export const peerId = () => {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode('-TK0001-'));
  id.set(randomBytes(12), 8);
  return id;
};
