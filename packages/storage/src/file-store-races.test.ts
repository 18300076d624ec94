// FileStore under concurrency and against a file system that changes under it: directories swapped
// for symlinks after (or while) a path was checked, a fresh root, many tiny files, evicted handles.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Store } from './backend.ts';
import { FileStore } from './file-store.ts';
import { createLayout } from './layout.ts';
import { MemoryStore } from './memory-store.ts';
import { Storage } from './storage.ts';

let dir: string;
let root: string;
let outside: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-storage-races-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  mkdirSync(outside);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const two = createLayout({
  pieceLength: 16,
  files: [
    { path: ['t', 'a', 'x'], length: 16 },
    { path: ['t', 'b', 'y'], length: 16 },
  ],
});

// What a local attacker with write access to the root does: t/a becomes a symlink to `outside`.
function swapIn(): void {
  renameSync(join(root, 't', 'a'), join(root, 't', 'a.old'));
  symlinkSync(outside, join(root, 't', 'a'));
}
function swapBack(): void {
  unlinkSync(join(root, 't', 'a'));
  renameSync(join(root, 't', 'a.old'), join(root, 't', 'a'));
}

describe('FileStore: a directory swapped for a symlink', () => {
  it('after the first write: a write reopening the evicted file refuses to follow it', async () => {
    const s = new Storage(two, new FileStore(two, { root, maxOpenFiles: 1 }));
    await s.writeBlock(0, 0, new Uint8Array(16).fill(0x41));
    await s.writeBlock(1, 0, new Uint8Array(16).fill(0x42)); // evicts x's handle
    swapIn();
    await expect(s.writeBlock(0, 0, new Uint8Array(16).fill(0x58))).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    expect(readdirSync(outside)).toEqual([]);
    await s.close();
  });

  it('after the first access: a read refuses to follow it (no outside bytes are uploaded)', async () => {
    writeFileSync(join(outside, 'x'), 'SECRET-SECRET-SE');
    const store = new FileStore(two, { root, maxOpenFiles: 1 });
    const s = new Storage(two, store);
    await s.writeBlock(0, 0, new Uint8Array(16).fill(0x41));
    await s.readBlock(1, 0, 16); // x's checked path was used once; y's handle is not open
    await s.writeBlock(1, 0, new Uint8Array(16).fill(0x42)); // evicts x's handle
    swapIn();
    await expect(s.readBlock(0, 0, 16)).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    await expect(store.realPath(0)).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    await expect(store.stat(0)).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    await s.close();
  });

  it('between the check and the open: the opened file is refused before any byte is read or written', async () => {
    const s = new Storage(two, new FileStore(two, { root, maxOpenFiles: 1 }));
    await s.writeBlock(0, 0, new Uint8Array(16).fill(0x41));
    await s.writeBlock(1, 0, new Uint8Array(16).fill(0x42)); // evicts x's handle
    writeFileSync(join(outside, 'x'), 'SECRET-SECRET-SE');
    const open = fsp.open;
    // The swap lands right after the path was walked, and is undone right after the open.
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      if (!String(args[0]).endsWith('x')) return open(...args);
      swapIn();
      try {
        return await open(...args);
      } finally {
        swapBack();
      }
    });
    const got = await s.readBlock(0, 0, 16).then((b) => Buffer.from(b).toString('latin1'), (e: { code: string }) => e.code);
    expect(got).toBe('STORAGE_SYMLINK_ESCAPE');
    await expect(s.writeBlock(0, 0, new Uint8Array(16).fill(0x58))).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    expect(readFileSync(join(outside, 'x'), 'latin1')).toBe('SECRET-SECRET-SE');
    vi.restoreAllMocks();
    expect([...(await s.readBlock(0, 0, 16))]).toEqual(new Array(16).fill(0x41)); // the real file is intact
    await s.close();
  });
});

describe('FileStore: concurrency', () => {
  it('on a fresh root, reads and writes issued together behave like a MemoryStore', async () => {
    const store = new FileStore(two, { root: join(root, 'new') });
    const s = new Storage(two, store);
    const [r, w] = await Promise.allSettled([s.readBlock(1, 0, 16), s.writeBlock(0, 0, new Uint8Array(16).fill(7))]);
    expect(r).toMatchObject({ status: 'fulfilled', value: new Uint8Array(16) });
    expect(w.status).toBe('fulfilled');
    // the same file read and written together: the read may see zeros or data, the write lands
    const [r2, w2] = await Promise.allSettled([s.readBlock(1, 0, 16), s.writeBlock(1, 0, new Uint8Array(16).fill(9))]);
    expect(r2.status).toBe('fulfilled');
    expect(w2.status).toBe('fulfilled');
    expect([...(await s.readPiece(0))]).toEqual(new Array(16).fill(7));
    expect([...(await s.readPiece(1))]).toEqual(new Array(16).fill(9));
    await s.close();
  });

  it('never holds more than maxOpenFiles handles, even for a piece spanning hundreds of files', async () => {
    const files = Array.from({ length: 120 }, (_, i) => ({ path: ['t', `f${i}`], length: i % 7 === 0 ? 0 : 3 }));
    const layout = createLayout({ pieceLength: 1 << 20, files });
    const total = files.reduce((n, f) => n + f.length, 0);
    const fileStore = new FileStore(layout, { root, maxOpenFiles: 4 });
    let peak = 0;
    // Looks at the open count whenever a file operation ends, while the others are in flight.
    const watched: Store = {
      read: async (...a) => fileStore.read(...a).finally(() => (peak = Math.max(peak, fileStore.openFiles))),
      write: async (...a) => fileStore.write(...a).finally(() => (peak = Math.max(peak, fileStore.openFiles))),
      stat: (f) => fileStore.stat(f),
      flush: () => fileStore.flush(),
      close: () => fileStore.close(),
    };
    const s = new Storage(layout, watched);
    const data = Uint8Array.from({ length: total }, (_, i) => i & 255);
    await s.writeBlock(0, 0, data);
    expect(await s.readBlock(0, 0, total)).toEqual(data);
    await s.complete();
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(4);
    expect(fileStore.openFiles).toBeLessThanOrEqual(4);
    await s.close();
    expect(readdirSync(join(root, 't')).length).toBe(120);
  });

  it('with one handle, concurrent blocks over many files all complete and match a MemoryStore', async () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ path: ['t', `d${i % 3}`, `f${i}`], length: [1, 7, 30, 100][i % 4]! }));
    const layout = createLayout({ pieceLength: 32, files });
    const a = new Storage(layout, new FileStore(layout, { root, maxOpenFiles: 1 }));
    const b = new Storage(layout, new MemoryStore(layout));
    const ops: Promise<unknown>[] = [];
    for (let p = 0; p < layout.pieceCount; p++) {
      const d = new Uint8Array(layout.pieceSize(p)).fill(p + 1);
      ops.push(a.writeBlock(p, 0, d), b.writeBlock(p, 0, d), a.readBlock(p, 0, d.length));
    }
    await Promise.all(ops);
    for (let p = 0; p < layout.pieceCount; p++) expect(await a.readPiece(p)).toEqual(await b.readPiece(p));
    await a.close();
  });

  it('flush() and complete() wait for the datasync of a file whose handle is being evicted', async () => {
    const probe = await fsp.open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void>; stat: (o: object) => Promise<{ ino: bigint }> };
    await probe.close();
    const datasync = proto.datasync;
    const synced = new Set<bigint>();
    vi.spyOn(proto, 'datasync').mockImplementation(async function (this: typeof proto) {
      await new Promise((r) => setTimeout(r, 50));
      await datasync.call(this);
      synced.add((await this.stat({ bigint: true })).ino);
    });
    const s = new Storage(two, new FileStore(two, { root, maxOpenFiles: 1 }));
    await s.writeBlock(0, 0, new Uint8Array(16).fill(1));
    const second = s.writeBlock(1, 0, new Uint8Array(16).fill(2)); // evicts x (dirty): sync, then close
    await new Promise((r) => setTimeout(r, 0));
    await s.flush();
    expect(synced.has(statSync(join(root, 't', 'a', 'x'), { bigint: true }).ino)).toBe(true);
    await second;
    await s.complete();
    expect(synced.has(statSync(join(root, 't', 'b', 'y'), { bigint: true }).ino)).toBe(true);
    await s.close();
    expect(existsSync(join(outside, 'x'))).toBe(false);
  });
});
