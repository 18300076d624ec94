// Byte-for-byte comparison of two files, 1 MiB at a time, so the demo proves the download without
// trusting any of the code that produced it (not even the piece hashes).
import { open } from 'node:fs/promises';

const CHUNK = 1 << 20;

/** Resolves with the offset of the first differing byte, or -1 when the files are identical. */
export async function firstDifference(a: string, b: string): Promise<number> {
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const [sa, sb] = await Promise.all([fa.stat(), fb.stat()]);
    const common = Math.min(sa.size, sb.size);
    const ba = new Uint8Array(CHUNK);
    const bb = new Uint8Array(CHUNK);
    for (let pos = 0; pos < common; pos += CHUNK) {
      const n = Math.min(CHUNK, common - pos);
      await Promise.all([fa.read(ba, 0, n, pos), fb.read(bb, 0, n, pos)]);
      for (let i = 0; i < n; i++) if (ba[i] !== bb[i]) return pos + i;
    }
    return sa.size === sb.size ? -1 : common;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}
