// File store: the layout's files under a download root, through node:fs (which Node, Deno and Bun all
// provide). This is the only module of the package that touches the file system.
//
// Path safety: every path is built from checked components (see safe-path.ts) under the real path of
// the root. Each directory on the way is lstat'ed: a symlink is followed only when its real target is
// still inside the root, otherwise the operation fails with STORAGE_SYMLINK_ESCAPE. Files are opened
// with O_NOFOLLOW so a symlink swapped in for the file itself is not followed either.
import { constants, promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sanitizePath } from '@torrentkit/metainfo';
import type { FileStat, Store } from './backend.ts';
import { StorageError } from './errors.ts';
import { HandleCache } from './handle-cache.ts';
import type { Layout, LayoutFile } from './layout.ts';
import { assertSafeComponents, isInside } from './safe-path.ts';

/** Options for {@link FileStore}. */
export interface FileStoreOptions {
  /** Download directory; created when missing (unless read-only). Files go below it. */
  root: string;
  /** Open files read-only and never create anything (seeding existing data). Default false. */
  readOnly?: boolean;
  /** Most file handles kept open at once (LRU). Default 64. */
  maxOpenFiles?: number;
  /**
   * Path components of a file below the root. Default: the layout path run through
   * @torrentkit/metainfo's `sanitizePath` (so `..`, absolute paths, `\\` and empty names never
   * reach the file system). Whatever is returned is checked again and refused if unsafe, and two
   * files that end up on the same path are refused too.
   */
  pathOf?: (file: LayoutFile) => readonly string[];
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Positional I/O on real files below a root directory, with a bounded cache of open handles. */
export class FileStore implements Store {
  readonly root: string;
  readonly #layout: Layout;
  readonly #readOnly: boolean;
  readonly #pathOf: (file: LayoutFile) => readonly string[];
  readonly #handles: HandleCache<FileHandle>;
  readonly #paths = new Map<number, string>();
  readonly #dirty = new Set<number>();
  #realRoot: Promise<string> | undefined;
  #closed = false;

  constructor(layout: Layout, options: FileStoreOptions) {
    this.#layout = layout;
    this.root = resolve(options.root);
    this.#readOnly = options.readOnly === true;
    this.#pathOf = options.pathOf ?? ((f) => sanitizePath(f.path));
    this.#handles = new HandleCache<FileHandle>(
      options.maxOpenFiles ?? 64,
      (i) => this.#open(i),
      // A file written since the last flush is synced before its handle goes, so flush() (which
      // syncs the open ones) still makes every write durable.
      async (h, i) => {
        try {
          if (this.#dirty.delete(i)) await h.datasync();
        } finally {
          await h.close();
        }
      },
    );
    // Validate every path up front so a hostile torrent fails before any byte is written. Two files
    // on one path (e.g. "a/../b" and "b" after sanitising) would alias each other's data.
    const seen = new Set<string>();
    for (const f of layout.files) {
      if (f.pad) continue;
      const components = this.#pathOf(f);
      assertSafeComponents(components);
      const key = components.join('/');
      const prefix = components.slice(0, -1).join('/');
      if (seen.has(key)) throw new StorageError('STORAGE_UNSAFE_PATH', `two files map to ${JSON.stringify(key)}`);
      seen.add(key);
      if (prefix) seen.add(`${prefix}/`);
    }
    for (const f of layout.files) {
      if (!f.pad && seen.has(`${this.#pathOf(f).join('/')}/`)) {
        throw new StorageError('STORAGE_UNSAFE_PATH', `${JSON.stringify(this.#pathOf(f).join('/'))} is both a file and a directory`);
      }
    }
  }

  /**
   * The checked real path of file `file` when it exists (symlinks inside the root resolved, escapes
   * refused), else the path it would be created at. For readers outside this store (hash workers).
   */
  async realPath(file: number): Promise<string> {
    this.#check();
    return (await this.#resolve(file, false)) ?? this.pathFor(file);
  }

  /** Number of file handles currently open. */
  get openFiles(): number {
    return this.#handles.size;
  }

  /** Absolute path of file `file` below the root (not resolved through symlinks). */
  pathFor(file: number): string {
    return join(this.root, ...this.#pathOf(this.#file(file)));
  }

  async read(file: number, position: number, target: Uint8Array): Promise<number> {
    this.#check();
    const path = this.#paths.get(file) ?? (await this.#resolve(file, false));
    let have = 0;
    if (path !== undefined) {
      have = await this.#handles.use(file, async (h) => {
        let n = 0;
        while (n < target.length) {
          const { bytesRead } = await h.read(target, n, target.length - n, position + n);
          if (bytesRead === 0) break;
          n += bytesRead;
        }
        return n;
      });
    }
    if (have < target.length) target.fill(0, have);
    return have;
  }

  async write(file: number, position: number, data: Uint8Array): Promise<void> {
    this.#check();
    if (this.#readOnly) throw new StorageError('STORAGE_READ_ONLY', 'store is read-only');
    const f = this.#file(file);
    if (position < 0 || position + data.length > f.length) {
      throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `write ${position}+${data.length} outside file ${file} of ${f.length} bytes`);
    }
    // The checked path is cached after the first write; skip the async lookup on the hot path.
    if (!this.#paths.has(file)) await this.#resolve(file, true);
    this.#dirty.add(file);
    await this.#handles.use(file, async (h) => {
      let n = 0;
      while (n < data.length) {
        const { bytesWritten } = await h.write(data, n, data.length - n, position + n);
        n += bytesWritten;
      }
    });
  }

  async stat(file: number): Promise<FileStat | undefined> {
    this.#check();
    const path = await this.#resolve(file, false);
    if (path === undefined) return undefined;
    const s = await io(() => fsp.stat(path));
    return { size: s.size, mtimeMs: s.mtimeMs };
  }

  /** Extends the file to its full length (sparse where the file system allows). */
  async preallocate(file: number): Promise<void> {
    this.#check();
    if (this.#readOnly) throw new StorageError('STORAGE_READ_ONLY', 'store is read-only');
    const f = this.#file(file);
    await this.#resolve(file, true);
    await this.#handles.use(file, async (h) => {
      const s = await h.stat();
      if (s.size < f.length) await h.truncate(f.length);
    });
  }

  /** fsyncs every file written since the last flush that is still open. */
  async flush(): Promise<void> {
    this.#check();
    const dirty = new Set(this.#dirty);
    this.#dirty.clear();
    await this.#handles.forEach(async (h, k) => {
      if (dirty.has(k)) await h.datasync();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      await this.#handles.clear();
    }
  }

  #check(): void {
    if (this.#closed) throw new StorageError('STORAGE_CLOSED', 'store is closed');
  }

  #file(file: number): LayoutFile {
    const f = this.#layout.files[file];
    if (!f || f.pad) throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `no stored file ${file}`);
    return f;
  }

  async #open(file: number): Promise<FileHandle> {
    const path = await this.#resolve(file, !this.#readOnly);
    if (path === undefined) throw new StorageError('STORAGE_IO', `file ${file} does not exist`);
    const flags = this.#readOnly ? constants.O_RDONLY : constants.O_RDWR | constants.O_CREAT;
    return io(() => fsp.open(path, flags | O_NOFOLLOW, 0o644));
  }

  /**
   * The checked real path of `file`, creating directories when `create`. Returns undefined when the
   * file (or a directory above it) does not exist and `create` is false.
   */
  async #resolve(file: number, create: boolean): Promise<string | undefined> {
    const known = this.#paths.get(file);
    if (known !== undefined) return known;
    const components = this.#pathOf(this.#file(file));
    assertSafeComponents(components);
    const root = await this.#root(create);
    if (root === undefined) return undefined;
    let dir = root;
    for (let i = 0; i < components.length - 1; i++) {
      const next = join(dir, components[i]!);
      const st = await lstatOrUndefined(next);
      if (st === undefined) {
        if (!create) return undefined;
        await io(() => fsp.mkdir(next).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e))));
        dir = await this.#confine(root, next);
      } else if (st.isSymbolicLink() || st.isDirectory()) {
        dir = await this.#confine(root, next);
        if (st.isSymbolicLink() && !(await io(() => fsp.stat(dir))).isDirectory()) {
          throw new StorageError('STORAGE_IO', `${next} is not a directory`);
        }
      } else {
        throw new StorageError('STORAGE_IO', `${next} is not a directory`);
      }
    }
    let path = join(dir, components[components.length - 1]!);
    const st = await lstatOrUndefined(path);
    if (st === undefined) {
      if (!create) return undefined;
    } else if (st.isSymbolicLink()) {
      path = await this.#confine(root, path);
    } else if (!st.isFile()) {
      throw new StorageError('STORAGE_IO', `${path} is not a regular file`);
    }
    this.#paths.set(file, path);
    return path;
  }

  // Real path of `path`, which must stay inside the root.
  async #confine(root: string, path: string): Promise<string> {
    const real = await io(() => fsp.realpath(path));
    if (!isInside(root, real)) {
      throw new StorageError('STORAGE_SYMLINK_ESCAPE', `${path} resolves to ${real}, outside the download root ${root}`);
    }
    return real;
  }

  #root(create: boolean): Promise<string | undefined> {
    this.#realRoot ??= (async () => {
      if (create) await io(() => fsp.mkdir(this.root, { recursive: true }));
      return io(() => fsp.realpath(this.root));
    })();
    const r = this.#realRoot;
    return r.catch((e: unknown) => {
      if (this.#realRoot === r) this.#realRoot = undefined;
      if (!create && e instanceof StorageError && (e.cause as NodeJS.ErrnoException)?.code === 'ENOENT') return undefined;
      throw e;
    });
  }
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StorageError('STORAGE_IO', `lstat ${path}: ${(e as Error).message}`, { cause: e });
  }
}

// Wraps fs failures in StorageError (code STORAGE_IO, or STORAGE_SYMLINK_ESCAPE for O_NOFOLLOW's ELOOP).
async function io<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StorageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new StorageError('STORAGE_SYMLINK_ESCAPE', (e as Error).message, { cause: e });
    throw new StorageError('STORAGE_IO', (e as Error).message, { cause: e });
  }
}

export { verifyFiles, resumeFiles, type VerifyFilesOptions, type V2Hashes } from './file-verify.ts';
