import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.ts';
import { createLayout } from './layout.ts';
import { Storage } from './storage.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-storage-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const layout = createLayout({
  pieceLength: 16,
  files: [
    { path: ['t', 'sub', 'a.bin'], length: 10 },
    { path: ['t', '.pad', '6'], length: 6, pad: true },
    { path: ['t', 'b.bin'], length: 20 },
    { path: ['t', 'zero'], length: 0 },
  ],
});

describe('FileStore', () => {
  it('creates directories, writes across files, skips pad files, reads back', async () => {
    const root = join(dir, 'dl');
    const s = new Storage(layout, new FileStore(layout, { root }));
    await s.writeBlock(0, 0, Uint8Array.from({ length: 16 }, (_, i) => i + 1));
    await s.writeBlock(2, 0, Uint8Array.of(1, 2, 3, 4));
    await s.flush();
    expect([...readFileSync(join(root, 't/sub/a.bin'))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readFileSync(join(root, 't/b.bin')).length).toBe(20);
    expect(existsSync(join(root, 't/.pad'))).toBe(false);
    expect([...(await s.readBlock(0, 8, 8))]).toEqual([9, 10, 0, 0, 0, 0, 0, 0]);
    expect(existsSync(join(root, 't/zero'))).toBe(false);
    await s.complete();
    expect(readFileSync(join(root, 't/zero')).length).toBe(0);
    await s.close();
  });

  it('reads missing files as zeros without creating them', async () => {
    const root = join(dir, 'none');
    const store = new FileStore(layout, { root, readOnly: true });
    const buf = new Uint8Array(4).fill(7);
    expect(await store.read(2, 0, buf)).toBe(0);
    expect([...buf]).toEqual([0, 0, 0, 0]);
    expect(await store.stat(0)).toBeUndefined();
    expect(existsSync(root)).toBe(false);
    await expect(store.write(0, 0, buf)).rejects.toMatchObject({ code: 'STORAGE_READ_ONLY' });
    await store.close();
  });

  it('preallocates to full length', async () => {
    const store = new FileStore(layout, { root: dir });
    await new Storage(layout, store).preallocate();
    expect((await store.stat(2))?.size).toBe(20);
    expect((await store.stat(3))?.size).toBe(0);
    await store.close();
  });

  it('keeps at most maxOpenFiles handles open', async () => {
    const many = createLayout({ pieceLength: 8, files: Array.from({ length: 20 }, (_, i) => ({ path: [`f${i}`], length: 8 })) });
    const store = new FileStore(many, { root: dir, maxOpenFiles: 3 });
    const s = new Storage(many, store);
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.writeBlock(i, 0, new Uint8Array(8).fill(i))));
    expect(store.openFiles).toBeLessThanOrEqual(3);
    for (let i = 0; i < 20; i++) expect((await s.readPiece(i))[0]).toBe(i);
    expect(store.openFiles).toBeLessThanOrEqual(3);
    await store.close();
    expect(readdirSync(dir).length).toBe(20);
  });

  it('refuses unsafe path components before touching the disk (even with sanitising switched off)', () => {
    for (const bad of [['..', 'x'], ['a', ''], ['/etc/passwd'], ['a\\b'], ['.'], ['C:x'], ['a\0b']]) {
      const l = createLayout({ pieceLength: 4, files: [{ path: bad, length: 4 }] });
      expect(() => new FileStore(l, { root: dir, pathOf: (f) => f.path })).toThrowError(expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }));
    }
  });

  it('refuses to follow a symlinked directory inside the root that points outside', async () => {
    const root = join(dir, 'root');
    const outside = join(dir, 'outside');
    mkdirSync(join(root, 't'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(root, 't', 'sub'));
    const store = new FileStore(layout, { root });
    await expect(store.write(0, 0, Uint8Array.of(1))).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    expect(readdirSync(outside)).toEqual([]);
    // Other files of the torrent are unaffected.
    await store.write(2, 0, Uint8Array.of(1));
    await store.close();
  });

  it('refuses a symlinked file that points outside, follows one that stays inside', async () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 't'), { recursive: true });
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'secret');
    symlinkSync(victim, join(root, 't', 'b.bin'));
    const store = new FileStore(layout, { root });
    await expect(store.write(2, 0, Uint8Array.of(1))).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    await expect(store.read(2, 0, new Uint8Array(4))).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    expect(readFileSync(victim, 'utf8')).toBe('secret');
    await store.close();

    const root2 = join(dir, 'root2');
    mkdirSync(join(root2, 't', 'real'), { recursive: true });
    symlinkSync(join(root2, 't', 'real'), join(root2, 't', 'sub'));
    const store2 = new FileStore(layout, { root: root2 });
    await store2.write(0, 0, Uint8Array.of(5));
    expect([...readFileSync(join(root2, 't', 'real', 'a.bin'))]).toEqual([5]);
    await store2.close();
  });

  it('refuses a root-level symlink escape through a relative link', async () => {
    const root = join(dir, 'root');
    mkdirSync(root);
    symlinkSync('..', join(root, 't'));
    const store = new FileStore(layout, { root });
    await expect(store.write(2, 0, Uint8Array.of(1))).rejects.toMatchObject({ code: 'STORAGE_SYMLINK_ESCAPE' });
    expect(existsSync(join(dir, 'b.bin'))).toBe(false);
    await store.close();
  });

  it('stores Windows device names on POSIX rules, renames them by default under the Windows rules', async () => {
    const names = createLayout({
      pieceLength: 4,
      files: [
        { path: ['linux', 'drivers', 'aux.c'], length: 4 },
        { path: ['t', 'con'], length: 4 },
        { path: ['t', 'nul.txt'], length: 4 },
      ],
    });
    const posix = new FileStore(names, { root: join(dir, 'posix'), windows: false });
    for (let i = 0; i < 3; i++) await posix.write(i, 0, Uint8Array.of(i, i, i, i));
    await posix.close();
    expect(readFileSync(join(dir, 'posix', 'linux', 'drivers', 'aux.c')).length).toBe(4);
    expect(readdirSync(join(dir, 'posix', 't')).sort()).toEqual(['con', 'nul.txt']);
    const win = new FileStore(names, { root: join(dir, 'win'), windows: true });
    expect([0, 1, 2].map((i) => win.pathFor(i).slice(join(dir, 'win').length + 1).split(/[\\/]/).at(-1))).toEqual(['_aux.c', '_con', '_nul.txt']);
    // a custom pathOf that keeps them is refused under the Windows rules
    expect(() => new FileStore(names, { root: dir, windows: true, pathOf: (f) => f.path })).toThrowError(
      expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }),
    );
    for (const bad of [['ab:c'], ['a.'], ['a '], ['q?'], ['a\x01b'], ['tab\tname'], ['x\x1f']]) {
      const l = createLayout({ pieceLength: 4, files: [{ path: bad, length: 4 }] });
      expect(() => new FileStore(l, { root: dir, windows: true, pathOf: (f) => f.path })).toThrowError(expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH' }));
      expect(() => new FileStore(l, { root: dir, windows: false, pathOf: (f) => f.path })).not.toThrow();
    }
  });

  it('refuses a file where another file needs a directory, at any depth and in any order', () => {
    for (const paths of [
      [['t', 'a'], ['t', 'a', 'b', 'c']],
      [['t', 'a', 'b', 'c'], ['t', 'a']],
      [['t', 'a', 'b', 'c', 'd'], ['t', 'a', 'b']],
    ]) {
      const l = createLayout({ pieceLength: 4, files: paths.map((path) => ({ path, length: 4 })) });
      expect(() => new FileStore(l, { root: join(dir, 'r') })).toThrowError(
        expect.objectContaining({ code: 'STORAGE_UNSAFE_PATH', message: '"t/a" is both a file and a directory'.replace('t/a', paths.reduce((x, y) => (x.length < y.length ? x : y)).join('/')) }),
      );
    }
    expect(existsSync(join(dir, 'r'))).toBe(false);
  });
});
