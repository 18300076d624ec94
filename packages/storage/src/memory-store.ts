// A store that keeps every file in memory: for tests, for seeding generated data and for embedding.
import type { FileStat, Store } from './backend.ts';
import { StorageError } from './errors.ts';
import type { Layout } from './layout.ts';

/** Options for {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Initial content per file index (used as is, not copied). */
  files?: ReadonlyMap<number, Uint8Array> | readonly (Uint8Array | undefined)[];
}

/** Keeps each file as one `Uint8Array`, grown on demand up to the file's length. */
export class MemoryStore implements Store {
  readonly #layout: Layout;
  readonly #data = new Map<number, Uint8Array>();
  readonly #mtime = new Map<number, number>();
  // Logical size (highest byte written) per file; the buffer may be larger after geometric growth.
  readonly #size = new Map<number, number>();
  #closed = false;

  constructor(layout: Layout, options: MemoryStoreOptions = {}) {
    this.#layout = layout;
    const init = options.files;
    if (init) {
      const entries = Array.isArray(init) ? init.map((v, i) => [i, v] as const) : [...(init as ReadonlyMap<number, Uint8Array>)];
      for (const [i, v] of entries) {
        if (v) {
          this.#data.set(i, v);
          this.#size.set(i, v.length);
          this.#mtime.set(i, Date.now());
        }
      }
    }
  }

  /** The stored bytes of file `file` (a view), or undefined if nothing was written. */
  get(file: number): Uint8Array | undefined {
    return this.#data.get(file)?.subarray(0, this.#size.get(file));
  }

  async read(file: number, position: number, target: Uint8Array): Promise<number> {
    this.#check();
    // A negative position would read from the end of the buffer (subarray counts from there).
    if (!this.#layout.files[file] || !Number.isSafeInteger(position) || position < 0) {
      throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `read at ${position} in file ${file}`);
    }
    const data = this.#data.get(file);
    const size = this.#size.get(file) ?? 0;
    const have = data ? Math.max(0, Math.min(target.length, size - position)) : 0;
    if (have > 0) target.set(data!.subarray(position, position + have));
    if (have < target.length) target.fill(0, have);
    return have;
  }

  async write(file: number, position: number, bytes: Uint8Array): Promise<void> {
    this.#check();
    const f = this.#layout.files[file];
    if (!f || !Number.isSafeInteger(position) || position < 0 || position + bytes.length > f.length) {
      throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `write ${position}+${bytes.length} outside file ${file}`);
    }
    let data = this.#data.get(file);
    const end = position + bytes.length;
    if (!data || data.length < end) {
      // Grow geometrically (bounded by the file's length) so random writes do not copy quadratically.
      const grown = new Uint8Array(Math.min(f.length, Math.max(end, (data?.length ?? 0) * 2)));
      if (data) grown.set(data);
      data = grown;
      this.#data.set(file, data);
    }
    data.set(bytes, position);
    if (end > (this.#size.get(file) ?? 0)) this.#size.set(file, end);
    this.#mtime.set(file, Date.now());
  }

  async stat(file: number): Promise<FileStat | undefined> {
    this.#check();
    const data = this.#data.get(file);
    return data ? { size: this.#size.get(file) ?? 0, mtimeMs: this.#mtime.get(file) ?? 0 } : undefined;
  }

  async preallocate(file: number): Promise<void> {
    this.#check();
    const f = this.#layout.files[file];
    if (!f) return;
    if ((this.#size.get(file) ?? -1) >= f.length) return;
    // The buffer may already be full-length after geometric growth while the size is not: bytes past
    // the size were never written, so they are zeros either way.
    const data = this.#data.get(file);
    if (!data || data.length < f.length) {
      const full = new Uint8Array(f.length);
      if (data) full.set(data.subarray(0, this.#size.get(file)));
      this.#data.set(file, full);
    }
    this.#size.set(file, f.length);
    this.#mtime.set(file, Date.now());
  }

  async flush(): Promise<void> {
    this.#check();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #check(): void {
    if (this.#closed) throw new StorageError('STORAGE_CLOSED', 'store is closed');
  }
}
