// File store: the layout's files under a download root, through node:fs (which Node, Deno and Bun all
// provide). This is the only module of the package that touches the file system.
//
// Path safety: every path is built from components checked at construction (see safe-path.ts) under
// the real path of the root, and every open walks and checks the whole path again (see confine.ts):
// a symlink that leads outside the root fails with STORAGE_SYMLINK_ESCAPE, whenever it appeared.
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { platform } from 'node:process';
import { sanitizePath } from '@torrentkit/metainfo';
import type { FileStat, Store } from './backend.ts';
import { io, lstatOrUndefined, openBelow, resolveBelow, wrap } from './confine.ts';
import { StorageError } from './errors.ts';
import { HandleCache } from './handle-cache.ts';
import type { Layout, LayoutFile } from './layout.ts';
import { assertSafeLayoutPaths } from './safe-path.ts';

/** Options for {@link FileStore}. */
export interface FileStoreOptions {
  /** Download directory; created when missing (unless read-only). Files go below it. */
  root: string;
  /** Open files read-only and never create anything (seeding existing data). Default false. */
  readOnly?: boolean;
  /**
   * Most file handles open at once (LRU; handles still being synced and closed count too). When all
   * are busy, an operation waits for one to become free. Default 64.
   */
  maxOpenFiles?: number;
  /**
   * Path components of a file below the root. Default: the layout path run through
   * @torrentkit/metainfo's `sanitizePath` (so `..`, absolute paths, `\\` and empty names never
   * reach the file system; with `windows`, device names such as `con` get a `_` prefix). Whatever is
   * returned is checked again and refused if unsafe, and two files that end up on the same path, or a
   * file where another one needs a directory, are refused too.
   */
  pathOf?: (file: LayoutFile) => readonly string[];
  /**
   * Apply the Windows path rules too (device names, `<>:"|?*`, control characters, trailing dots and
   * spaces): needed when the root is on Windows or a FAT/NTFS volume. Default: true when running on
   * Windows.
   */
  windows?: boolean;
}

/** Refuses options of the wrong type up front, as a StorageError instead of a TypeError from node:fs. */
function checkOptions(options: FileStoreOptions): void {
  const bad = (message: string): never => {
    throw new StorageError('STORAGE_INVALID_ARGUMENT', message);
  };
  if (typeof options !== 'object' || options === null) bad('FileStore needs an options object with a root');
  if (typeof options.root !== 'string') bad('FileStore option root must be a string');
  const max = options.maxOpenFiles;
  if (max != null && (!Number.isInteger(max) || max < 1)) bad(`FileStore option maxOpenFiles must be a positive integer, got ${String(max)}`);
  if (options.pathOf != null && typeof options.pathOf !== 'function') bad('FileStore option pathOf must be a function');
}

// Thrown by the open of a file that does not exist when the caller did not ask to create it.
class MissingFile extends Error {}

/** Positional I/O on real files below a root directory, with a bounded cache of open handles. */
export class FileStore implements Store {
  readonly root: string;
  readonly #layout: Layout;
  readonly #readOnly: boolean;
  readonly #components: (readonly string[] | undefined)[];
  readonly #handles: HandleCache<FileHandle>;
  // Files written since their last datasync; marked after the write so a flush that clears the mark
  // always syncs that write.
  readonly #dirty = new Set<number>();
  #realRoot: string | undefined;
  #closed = false;

  /**
   * @throws {StorageError} `STORAGE_INVALID_ARGUMENT` for options of the wrong type (no `root`
   * string, `maxOpenFiles` not a positive integer), `STORAGE_UNSAFE_PATH` for paths it refuses.
   */
  constructor(layout: Layout, options: FileStoreOptions) {
    checkOptions(options);
    this.#layout = layout;
    this.root = resolve(options.root);
    this.#readOnly = options.readOnly === true;
    const windows = options.windows ?? platform === 'win32';
    const pathOf = options.pathOf ?? ((f) => sanitizePath(f.path, { windows }));
    // Paths are fixed and validated up front so a hostile torrent fails before any byte is written.
    this.#components = layout.files.map((f) => (f.pad ? undefined : [...pathOf(f)]));
    assertSafeLayoutPaths(this.#components, { windows });
    this.#handles = new HandleCache<FileHandle>(
      options.maxOpenFiles ?? 64,
      (i) => this.#open(i, false),
      // A file written since the last flush is synced before its handle goes; flush() waits for these
      // closes, so it still makes every write durable.
      async (h, i) => {
        try {
          if (this.#dirty.delete(i)) await io(() => h.datasync());
        } finally {
          await io(() => h.close());
        }
      },
    );
  }

  /**
   * The checked real path of file `file` when it exists (symlinks inside the root resolved, escapes
   * refused), else the path it would be created at. Checked anew on every call. For readers outside
   * this store (hash workers), which open it by name later: see the README for the window that leaves.
   */
  async realPath(file: number): Promise<string> {
    this.#check();
    const components = this.#pathOf(file);
    const root = await this.#root(false);
    return (root !== undefined ? await resolveBelow(root, components, false) : undefined) ?? this.pathFor(file);
  }

  /** Number of file handles currently open (or being opened or closed); at most `maxOpenFiles`. */
  get openFiles(): number {
    return this.#handles.size;
  }

  /** Absolute path of file `file` below the root (not resolved through symlinks). */
  pathFor(file: number): string {
    return join(this.root, ...this.#pathOf(file));
  }

  async read(file: number, position: number, target: Uint8Array): Promise<number> {
    this.#check();
    this.#pathOf(file);
    // node:fs reads at the handle's current offset for a negative or NaN position: wrong bytes, no error.
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `read at ${position} in file ${file}`);
    }
    let have = 0;
    try {
      have = await this.#handles.use(
        file,
        async (h) => {
          let n = 0;
          try {
            while (n < target.length) {
              const { bytesRead } = await h.read(target, n, target.length - n, position + n);
              if (bytesRead === 0) break;
              n += bytesRead;
            }
          } catch (e) {
            throw wrap(e);
          }
          return n;
        },
        (i) => this.#open(i, false),
      );
    } catch (e) {
      if (!(e instanceof MissingFile)) throw e;
    }
    if (have < target.length) target.fill(0, have);
    return have;
  }

  async write(file: number, position: number, data: Uint8Array): Promise<void> {
    this.#check();
    if (this.#readOnly) throw new StorageError('STORAGE_READ_ONLY', 'store is read-only');
    const f = this.#file(file);
    if (!Number.isSafeInteger(position) || position < 0 || position + data.length > f.length) {
      throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `write ${position}+${data.length} outside file ${file} of ${f.length} bytes`);
    }
    await this.#useCreating(file, async (h) => {
      try {
        let n = 0;
        while (n < data.length) {
          const { bytesWritten } = await h.write(data, n, data.length - n, position + n);
          n += bytesWritten;
        }
      } catch (e) {
        throw wrap(e);
      } finally {
        this.#dirty.add(file);
      }
    });
  }

  async stat(file: number): Promise<FileStat | undefined> {
    this.#check();
    const components = this.#pathOf(file);
    const root = await this.#root(false);
    const path = root === undefined ? undefined : await resolveBelow(root, components, false);
    const s = path === undefined ? undefined : await lstatOrUndefined(path);
    if (s === undefined) return undefined;
    // resolveBelow returned a regular file's real path; anything else there now was swapped in since.
    if (!s.isFile()) throw new StorageError('STORAGE_IO', `${path} is not a regular file`);
    return { size: s.size, mtimeMs: s.mtimeMs };
  }

  /** Extends the file to its full length (sparse where the file system allows). */
  async preallocate(file: number): Promise<void> {
    this.#check();
    if (this.#readOnly) throw new StorageError('STORAGE_READ_ONLY', 'store is read-only');
    const f = this.#file(file);
    await this.#useCreating(file, async (h) => {
      const s = await io(() => h.stat());
      if (s.size < f.length) {
        await io(() => h.truncate(f.length));
        this.#dirty.add(file);
      }
    });
  }

  /**
   * fsyncs every file written since the last flush: the open ones, and waits for the sync and close
   * of those whose handles were evicted meanwhile (a failure of those is thrown here).
   */
  async flush(): Promise<void> {
    this.#check();
    await this.#handles.forEach(async (h, k) => {
      if (this.#dirty.delete(k)) await io(() => h.datasync());
    });
    await this.#handles.drain();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      await this.#handles.clear(new StorageError('STORAGE_CLOSED', 'store is closed'));
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

  #pathOf(file: number): readonly string[] {
    this.#file(file);
    return this.#components[file]!;
  }

  // Runs `fn` with a handle on `file`, creating the file if needed. A read of the missing file may be
  // opening it at the same moment: joining that open gets MissingFile, so try again with our own.
  async #useCreating(file: number, fn: (h: FileHandle) => Promise<void>): Promise<void> {
    for (;;) {
      try {
        return await this.#handles.use(file, fn, (i) => this.#open(i, true));
      } catch (e) {
        if (!(e instanceof MissingFile)) throw e;
      }
    }
  }

  // Opens `file` after checking its whole path again (never reusing an earlier check: a directory may
  // have been swapped for a symlink since). Throws MissingFile when absent and not `create`.
  async #open(file: number, create: boolean): Promise<FileHandle> {
    const components = this.#pathOf(file);
    const root = await this.#root(create);
    if (root === undefined) throw new MissingFile();
    const flags = this.#readOnly ? constants.O_RDONLY : constants.O_RDWR | (create ? constants.O_CREAT : 0);
    const h = await openBelow(root, components, create, flags);
    if (h === undefined) throw new MissingFile();
    return h;
  }

  // Real path of the root, created first when `create`; undefined when absent and not `create`. Only
  // a success is remembered: a read that found no root must not fail the writes that run beside it.
  async #root(create: boolean): Promise<string | undefined> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    if (create) await io(() => fsp.mkdir(this.root, { recursive: true }));
    let real: string;
    try {
      real = await fsp.realpath(this.root);
    } catch (e) {
      if (!create && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StorageError('STORAGE_IO', (e as Error).message, { cause: e });
    }
    this.#realRoot ??= real;
    return this.#realRoot;
  }
}

export { verifyFiles, resumeFiles, type VerifyFilesOptions, type V2Hashes } from './file-verify.ts';
