// A small v1 layout with a pad file, shared by the verify and resume tests, and its data.
import { createLayout, type Layout } from './layout.ts';

// pieces of 32: p0 = a[0,32), p1 = a[32,50) + pad, p2 = b[0,32), p3 = b[32,40) + c
export const layout = createLayout({
  pieceLength: 32,
  files: [
    { path: ['a'], length: 50 },
    { path: ['.pad', '14'], length: 14, pad: true },
    { path: ['b'], length: 40 },
    { path: ['c'], length: 7 },
  ],
});

export async function sha1(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>));
}

// Each file's content and the v1 piece hashes of `lay` over them (pad bytes are zeros).
export async function fixture(lay: Layout = layout, seed = 0): Promise<{ files: Uint8Array[]; pieces: Uint8Array }> {
  const files = lay.files.map((f) => (f.pad ? new Uint8Array(f.length) : Uint8Array.from({ length: f.length }, (_, i) => (i * 7 + f.index + seed) & 255)));
  const stream = new Uint8Array(files.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of files) {
    stream.set(f, at);
    at += f.length;
  }
  const pieces = new Uint8Array(lay.pieceCount * 20);
  for (let p = 0; p < lay.pieceCount; p++) {
    pieces.set(await sha1(stream.subarray(p * lay.pieceLength, Math.min(stream.length, (p + 1) * lay.pieceLength))), p * 20);
  }
  return { files, pieces };
}
