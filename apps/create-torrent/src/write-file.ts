// Writing the .torrent: never leave a half-written file behind. The bytes go to a temporary file in
// the same directory (so the final rename stays on one filesystem and is atomic), are flushed, and
// only then take the final name. Without --force an existing file is never replaced, even one that
// appeared while we were hashing: link(2) fails with EEXIST atomically, where rename would clobber.
//
// The temporary name is short and fixed in shape (`.ct-PID-RANDOM.tmp`), not derived from the final
// name: a final name near the filesystem's limit (255 bytes on most) must not fail only because its
// temporary twin is longer. Everything that can be checked before hashing is checked by
// checkWritable, so a mistake does not cost a long hash first.

import { closeSync, fsyncSync, linkSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors.ts';

/** Prefix and suffix of the temporary (and probe) files this module makes. */
export const TEMP_PREFIX = '.ct-';
export const TEMP_SUFFIX = '.tmp';

/**
 * link(2) errors that mean "this filesystem (or this pair of paths) cannot hard-link": the write then
 * falls back to check-then-rename. Any other error is a real failure.
 */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);

/**
 * Fails early, before any hashing, unless `path` could be written: it must not exist (unless
 * `force`) nor be a directory, and its directory must exist, be a directory and accept a new file
 * with a name as long as the final one (a probe file is created there and removed at once).
 */
export function checkWritable(path: string, force: boolean): void {
  const existing = lstatOrUndefined(path);
  if (existing?.isDirectory()) throw writeFailed(path, 'it is a directory');
  if (existing && !force) throw exists(path);
  const dir = dirname(path);
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = errCode(err);
    if (code === 'ENOENT') throw writeFailed(path, `no such directory ${dir}`);
    if (code === 'ENOTDIR') throw writeFailed(path, `${dir} is not a directory`);
    throw writeFailed(path, reason(err));
  }
  if (!st.isDirectory()) throw writeFailed(path, `${dir} is not a directory`);
  probe(path);
}

/**
 * Checks that `dir`, named by the user as the output directory (`-o DIR/`), exists and is one.
 * `shown` is how the user wrote it.
 */
export function checkOutputDirectory(dir: string, shown: string = dir): void {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    const code = errCode(err);
    if (code === 'ENOENT') throw new CliError('CLI_WRITE_FAILED', `cannot write to ${shown}: no such directory`);
    if (code === 'ENOTDIR') throw new CliError('CLI_WRITE_FAILED', `cannot write to ${shown}: not a directory`);
    throw new CliError('CLI_WRITE_FAILED', `cannot write to ${shown}: ${reason(err)}`);
  }
  if (!st.isDirectory()) throw new CliError('CLI_WRITE_FAILED', `cannot write to ${shown}: not a directory`);
}

/**
 * Writes `bytes` to `path` atomically; replaces an existing file only when `force` is set.
 * `link` is link(2) (replaceable so tests can play a filesystem without hard links).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, force: boolean, link: (from: string, to: string) => void = linkSync): void {
  const tmp = join(dirname(path), tempName());
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (err) {
    throw writeFailed(path, reason(err));
  }
  // From here on, every way out either gives the temporary file its final name or removes it.
  let committed = false;
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (force) {
      renameSync(tmp, path);
      committed = true;
      return;
    }
    try {
      link(tmp, path);
    } catch (err) {
      const code = errCode(err);
      if (code === 'EEXIST') throw exists(path);
      if (code === undefined || !NO_HARD_LINKS.has(code)) throw err;
      // No hard links here: check, then rename (a file appearing in between would be replaced).
      if (lstatOrUndefined(path)) throw exists(path);
      renameSync(tmp, path);
      committed = true;
    }
  } catch (err) {
    throw err instanceof CliError ? err : writeFailed(path, reason(err));
  } finally {
    if (!committed) safeUnlink(tmp);
  }
}

/** `.ct-PID-RANDOM.tmp`: 20-odd bytes whatever the final name. */
function tempName(): string {
  return `${TEMP_PREFIX}${process.pid}-${Math.random().toString(36).slice(2, 10)}${TEMP_SUFFIX}`;
}

/**
 * Creates and removes a file next to `path` whose name is as long as `path`'s, so a read-only or
 * unwritable directory, or a name longer than the filesystem allows, is reported before hashing.
 * The length is counted the way the filesystem limits it: UTF-16 units on Windows, bytes elsewhere.
 */
function probe(path: string): void {
  const name = basename(path);
  const want = process.platform === 'win32' ? name.length : new TextEncoder().encode(name).length;
  for (let attempt = 0; ; attempt++) {
    let p = tempName();
    if (p.length < want) p = p.slice(0, -TEMP_SUFFIX.length) + '-'.repeat(want - p.length) + TEMP_SUFFIX;
    const full = join(dirname(path), p);
    let fd: number;
    try {
      fd = openSync(full, 'wx', 0o644);
    } catch (err) {
      if (errCode(err) === 'EEXIST' && attempt < 5) continue;
      throw writeFailed(path, reason(err));
    }
    closeSync(fd);
    safeUnlink(full);
    return;
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function safeUnlink(path: string): void {
  try { unlinkSync(path); } catch { /* already gone */ }
}

function exists(path: string): CliError {
  return new CliError('CLI_OUTPUT_EXISTS', `${path} already exists (use --force to overwrite)`);
}

function writeFailed(path: string, why: string): CliError {
  return new CliError('CLI_WRITE_FAILED', `cannot write ${path}: ${why}`);
}

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function reason(err: unknown): string {
  const code = errCode(err);
  switch (code) {
    case 'ENOENT': return 'no such directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'ENAMETOOLONG': return 'file name too long for this file system';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a component of the path is not a directory';
    default: return code ?? String(err);
  }
}
