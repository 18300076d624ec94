// Writing the .torrent: never leave a half-written file behind. The bytes go to a temporary file in
// the same directory (so the final rename stays on one filesystem and is atomic), are flushed, and
// only then take the final name. Without --force an existing file is never replaced, even one that
// appeared while we were hashing: link(2) fails with EEXIST atomically, where rename would clobber.

import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors.ts';

/**
 * Fails early, before any hashing, when `path` exists and `force` is off, or when its directory
 * does not exist.
 */
export function checkWritable(path: string, force: boolean): void {
  if (!force && existsSync(path)) {
    throw new CliError('CLI_OUTPUT_EXISTS', `${path} already exists (use --force to overwrite)`);
  }
  let dirOk = false;
  try { dirOk = statSync(dirname(path)).isDirectory(); } catch { /* reported below */ }
  if (!dirOk) throw new CliError('CLI_WRITE_FAILED', `cannot write ${path}: no such directory ${dirname(path)}`);
}

/** Writes `bytes` to `path` atomically; replaces an existing file only when `force` is set. */
export function writeFileAtomic(path: string, bytes: Uint8Array, force: boolean): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (err) {
    throw new CliError('CLI_WRITE_FAILED', `cannot write ${path}: ${reason(err)}`);
  }
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    safeUnlink(tmp);
    throw new CliError('CLI_WRITE_FAILED', `cannot write ${path}: ${reason(err)}`);
  }
  closeSync(fd);
  try {
    if (force) {
      renameSync(tmp, path);
      return;
    }
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST') {
        throw new CliError('CLI_OUTPUT_EXISTS', `${path} already exists (use --force to overwrite)`);
      }
      // Filesystems without hard links: fall back to check-then-rename.
      checkWritable(path, false);
      renameSync(tmp, path);
      return;
    }
    safeUnlink(tmp);
  } catch (err) {
    safeUnlink(tmp);
    throw err;
  }
}

function safeUnlink(path: string): void {
  try { unlinkSync(path); } catch { /* already gone */ }
}

function reason(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on device';
  return code ?? String(err);
}
