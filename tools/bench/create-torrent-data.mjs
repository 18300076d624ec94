// Data sets for the create-torrent benchmark, generated under /tmp and removed afterwards:
// (a) one 1 GiB file; (b) 20,000 files of 1-64 KiB in 100 directories. Content is pseudo-random
// (a 16 MiB random block, varied per write) so no hasher can take shortcuts on repeated input.
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Make a scratch directory for the run. */
export function scratch() {
  return mkdtempSync(join(tmpdir(), 'tk-bench-create-torrent-'));
}

/** Remove it again. */
export function remove(dir) {
  rmSync(dir, { recursive: true, force: true });
}

const block = randomFillSync(new Uint8Array(16 << 20));

/** (a): one file of `size` bytes. */
export function bigFile(dir, size = 1 << 30) {
  const path = join(dir, 'big.bin');
  const fd = openSync(path, 'w');
  for (let done = 0, n = 0; done < size; n++) {
    const len = Math.min(block.length, size - done);
    block[n % block.length] ^= 0x5a; // keep blocks distinct
    writeSync(fd, block, 0, len);
    done += len;
  }
  closeSync(fd);
  return { path, bytes: size, files: 1 };
}

/** (b): `count` files of 1-64 KiB (sizes from a fixed-seed generator) in 100 directories. */
export function manyFiles(dir, count = 20_000) {
  const root = join(dir, 'many');
  let seed = 12345, bytes = 0, offset = 0;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
  for (let d = 0; d < 100; d++) mkdirSync(join(root, `d${String(d).padStart(3, '0')}`), { recursive: true });
  for (let i = 0; i < count; i++) {
    const size = 1024 + (next() % (63 * 1024 + 1));
    if (offset + size > block.length) offset = 0;
    const fd = openSync(join(root, `d${String(i % 100).padStart(3, '0')}`, `f${String(i).padStart(5, '0')}.bin`), 'w');
    writeSync(fd, block, offset, size);
    closeSync(fd);
    offset += size;
    bytes += size;
  }
  return { path: root, bytes, files: count };
}

/** Read every file once so all contenders start from a warm page cache. */
export function warm(path) {
  const buf = new Uint8Array(4 << 20);
  const walk = (p) => {
    if (statSync(p).isDirectory()) return readdirSync(p).forEach((n) => walk(join(p, n)));
    const fd = openSync(p, 'r');
    while (readSync(fd, buf, 0, buf.length, null) > 0);
    closeSync(fd);
  };
  walk(path);
}
