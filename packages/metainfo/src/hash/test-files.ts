// Test helpers (not part of the public API): deterministic pseudo-random files in a temp directory,
// and plain reference implementations of v1 pieces and BEP 52 trees to check the fast path against.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** Deterministic bytes (xorshift32), so every runtime and run sees the same content. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A temp directory with the given files (relative path -> size or bytes); `cleanup()` removes it. */
export function makeTree(files: Record<string, number | Uint8Array>, prefix = 'tk-metainfo-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let seed = 1;
  for (const [rel, spec] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof spec === 'number' ? pseudoRandomBytes(spec, seed++) : spec);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Concatenate byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Reference v1 pieces: SHA-1 of each piece of `data`. */
export function referencePieces(data: Uint8Array, pieceLength: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += pieceLength) parts.push(sha1(data.subarray(at, at + pieceLength)));
  return concat(parts);
}

function reduce(nodes: Uint8Array[]): Uint8Array {
  while (nodes.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < nodes.length; i += 2) next.push(sha256(concat([nodes[i]!, nodes[i + 1]!])));
    nodes = next;
  }
  return nodes[0]!;
}

function leavesOf(data: Uint8Array): Uint8Array[] {
  const leaves: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 16384) leaves.push(sha256(data.subarray(at, at + 16384)));
  return leaves;
}

/** Reference BEP 52 `pieces root` straight from the definition: all leaves, zero-padded to 2^k. */
export function referenceRoot(data: Uint8Array): Uint8Array {
  const leaves = leavesOf(data);
  let width = 1;
  while (width < leaves.length) width *= 2;
  while (leaves.length < width) leaves.push(new Uint8Array(32));
  return reduce(leaves);
}

/** Reference BEP 52 piece layer of a file larger than one piece. */
export function referenceLayer(data: Uint8Array, pieceLength: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += pieceLength) {
    const leaves = leavesOf(data.subarray(at, at + pieceLength));
    while (leaves.length < pieceLength / 16384) leaves.push(new Uint8Array(32));
    parts.push(reduce(leaves));
  }
  return concat(parts);
}

/** Lower-case hex. */
export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
