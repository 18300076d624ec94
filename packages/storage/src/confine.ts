// Opening files below a download root without letting symlinks lead outside it, through node:fs.
//
// Node has no openat(), so a path is checked and then opened by name, and a local attacker who can
// write inside the root could swap a directory for a symlink in between. What is done about it:
// - every open walks the whole path again (each directory lstat'ed; a symlink is followed only when
//   its real target stays inside the root), so a swap made after an earlier check is always seen;
// - the last component is opened with O_NOFOLLOW (where the platform has it);
// - after the open, the path is walked again and must still lead to the very file that was opened
//   (same device and inode), else the handle is closed unused.
// What remains: a swap made after the first walk and undone before the second one can make the open
// itself go outside: a read then fails the identity check before any byte is used, but an open for
// writing may already have created an empty file there (O_CREAT) before failing, without writing
// data to it. Handles already open keep pointing at the files they were opened on.
import { constants, promises as fsp, type BigIntStats, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { StorageError } from './errors.ts';
import { isInside } from './safe-path.ts';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
// Does nothing to a regular file; keeps the open from blocking if a FIFO is swapped in after the check.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * The real path of the file at `components` below `root` (itself a real path), every directory on
 * the way checked. With `create`, missing directories are made and a missing file's path is
 * returned as where it would be created; without, a missing file or directory gives undefined.
 */
export async function resolveBelow(root: string, components: readonly string[], create: boolean): Promise<string | undefined> {
  let dir = root;
  for (let i = 0; i < components.length - 1; i++) {
    const next = join(dir, components[i]!);
    const st = await lstatOrUndefined(next);
    if (st === undefined) {
      if (!create) return undefined;
      await io(() => fsp.mkdir(next).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e))));
      dir = await confine(root, next);
    } else if (st.isSymbolicLink() || st.isDirectory()) {
      dir = await confine(root, next);
      if (st.isSymbolicLink() && !(await io(() => fsp.stat(dir))).isDirectory()) {
        throw new StorageError('STORAGE_IO', `${next} is not a directory`);
      }
    } else {
      throw new StorageError('STORAGE_IO', `${next} is not a directory`);
    }
  }
  const path = join(dir, components[components.length - 1]!);
  const st = await lstatOrUndefined(path);
  if (st === undefined) return create ? path : undefined;
  if (st.isSymbolicLink()) {
    // Followed only to a regular file: opening a FIFO would block for good, a directory is no data.
    const real = await confine(root, path);
    const target = await lstatOrUndefined(real);
    if (target !== undefined && !target.isFile()) throw new StorageError('STORAGE_IO', `${path} is not a regular file`);
    return real;
  }
  if (!st.isFile()) throw new StorageError('STORAGE_IO', `${path} is not a regular file`);
  return path;
}

/**
 * Opens the file at `components` below `root` (a real path) with `flags` (O_CREAT among them when
 * `create`), checked as described at the top of this module. Undefined when it does not exist and
 * `create` is false.
 */
export async function openBelow(root: string, components: readonly string[], create: boolean, flags: number): Promise<FileHandle | undefined> {
  const path = await resolveBelow(root, components, create);
  if (path === undefined) return undefined;
  let h: FileHandle;
  try {
    h = await fsp.open(path, flags | O_NOFOLLOW | O_NONBLOCK, 0o644);
  } catch (e) {
    if (!create && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw wrap(e);
  }
  try {
    const opened = await h.stat({ bigint: true });
    if (!opened.isFile()) throw new StorageError('STORAGE_IO', `${path} is not a regular file`);
    const again = await resolveBelow(root, components, false);
    const now = again === undefined ? undefined : await lstatOrUndefined(again, true);
    if (now === undefined || now.ino !== opened.ino || now.dev !== opened.dev) {
      throw new StorageError('STORAGE_SYMLINK_ESCAPE', `${path} changed while it was being opened (directory swapped for a symlink?)`);
    }
  } catch (e) {
    await h.close().catch(() => {});
    throw wrap(e);
  }
  return h;
}

/** Real path of `path`, which must stay inside `root`; else STORAGE_SYMLINK_ESCAPE. */
export async function confine(root: string, path: string): Promise<string> {
  const real = await io(() => fsp.realpath(path));
  if (!isInside(root, real, sep)) {
    throw new StorageError('STORAGE_SYMLINK_ESCAPE', `${path} resolves to ${real}, outside the download root ${root}`);
  }
  return real;
}

/** lstat, or undefined when the path does not exist. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined>;
export async function lstatOrUndefined(path: string, bigint: true): Promise<BigIntStats | undefined>;
export async function lstatOrUndefined(path: string, bigint = false): Promise<Stats | BigIntStats | undefined> {
  try {
    return await fsp.lstat(path, { bigint });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StorageError('STORAGE_IO', `lstat ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Runs an fs call, turning its failure into a StorageError (see {@link wrap}). */
export async function io<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw wrap(e);
  }
}

/** A StorageError for `e`: STORAGE_SYMLINK_ESCAPE for O_NOFOLLOW's ELOOP, else STORAGE_IO. */
export function wrap(e: unknown): StorageError {
  if (e instanceof StorageError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new StorageError('STORAGE_SYMLINK_ESCAPE', (e as Error).message, { cause: e });
  return new StorageError('STORAGE_IO', (e as Error).message, { cause: e });
}
