// Test data: small directory trees with deterministic pseudo-random contents.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Deterministic bytes (xorshift32) so every runtime and run sees the same data. */
export function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes `files` (relative path -> length or contents) under `root`; returns root. */
export function writeTree(root: string, files: Record<string, number | Uint8Array | string>): string {
  let seed = 1;
  for (const [rel, spec] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof spec === 'number' ? bytes(spec, seed++) : spec);
  }
  return root;
}

/** A fresh temp directory; call the returned function to delete it. */
export function tempDir(prefix = 'ct-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
