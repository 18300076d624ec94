// Sample content for the demo: a small directory of files with odd sizes (so the last piece is short
// and pieces straddle file boundaries) filled with deterministic pseudo-random bytes, so every run
// shares the same bytes and the same info hash for the same size, yet nothing compresses or repeats.
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One generated file: its path below the content root and its length. */
export interface SampleFile {
  path: string[];
  length: number;
}

const CHUNK = 1 << 20;

/**
 * Splits `totalBytes` over three files of uneven, odd sizes (about 50 %, 30 % and 20 %). Totals too
 * small for three files of at least one byte each give fewer files.
 */
export function sampleLayout(totalBytes: number): SampleFile[] {
  if (!Number.isSafeInteger(totalBytes) || totalBytes < 1) throw new RangeError(`content size must be a positive integer, got ${totalBytes}`);
  if (totalBytes < 3) return [{ path: ['alpha.bin'], length: totalBytes }];
  // Odd sizes, skewed off round numbers for any total.
  const odd = (n: number): number => (n % 2 === 0 ? n + 1 : n);
  const a = odd(Math.floor(totalBytes * 0.5) - Math.floor(totalBytes / 97));
  const b = odd(Math.floor(totalBytes * 0.3) + Math.floor(totalBytes / 89));
  const first = Math.min(a, totalBytes - 2);
  const second = Math.min(b, totalBytes - first - 1);
  return [
    { path: ['alpha.bin'], length: first },
    { path: ['notes', 'beta.bin'], length: second },
    { path: ['gamma.dat'], length: totalBytes - first - second },
  ];
}

/**
 * xorshift32 keystream: fast, reproducible, and random-looking enough that no piece repeats. Not
 * cryptographic, which the demo does not need.
 */
function fill(buf: Uint8Array, state: { x: number }): void {
  const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  let x = state.x;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < buf.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  state.x = x;
}

/**
 * Writes the sample files below `root` (created when missing), 1 MiB at a time so memory stays flat
 * whatever the size. Returns the files written.
 */
export async function writeSampleContent(root: string, totalBytes: number): Promise<SampleFile[]> {
  const files = sampleLayout(totalBytes);
  const buf = new Uint8Array(CHUNK);
  for (const [n, f] of files.entries()) {
    const path = join(root, ...f.path);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'w');
    try {
      const state = { x: 0x9e3779b9 ^ (n + 1) * 0x85ebca6b };
      for (let done = 0; done < f.length; done += CHUNK) {
        const part = buf.subarray(0, Math.min(CHUNK, f.length - done));
        fill(part, state);
        await handle.write(part, 0, part.length, done);
      }
    } finally {
      await handle.close();
    }
  }
  return files;
}
