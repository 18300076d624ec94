// The byte-level interface a store implements: positional I/O on the layout's files, addressed by index.
// It is deliberately small (no paths, no Node types) so that browser stores (OPFS, IndexedDB) fit it too.

/** What a store knows about one file on its medium. */
export interface FileStat {
  size: number;
  /** Modification time in milliseconds since the epoch (0 when the medium has none). */
  mtimeMs: number;
}

/**
 * Positional byte I/O on the files of a {@link Layout}. Pad files are never passed to a store.
 * Implementations: {@link MemoryStore}, `FileStore` (`@torrentkit/storage/file-store`, node:fs).
 */
export interface Store {
  /**
   * Fills `target` from file `file` at `position`. Bytes past the end of the stored file read as zeros
   * and are not counted; returns how many bytes were really present.
   */
  read(file: number, position: number, target: Uint8Array): Promise<number>;
  /** Writes `data` to file `file` at `position`, creating the file (and directories) as needed. */
  write(file: number, position: number, data: Uint8Array): Promise<void>;
  /** Size and modification time of a stored file, or undefined when it does not exist. */
  stat(file: number): Promise<FileStat | undefined>;
  /** Gives the file its full length up front (optional). */
  preallocate?(file: number): Promise<void>;
  /** Makes written data durable (fsync for files). */
  flush(): Promise<void>;
  /** Releases handles. Further calls fail with `STORAGE_CLOSED`. */
  close(): Promise<void>;
}
