// File-reading adapter (node:fs) for the hasher: copies a chunk's segments into its buffer with
// positional reads and zero-fills the gaps (BEP 47 pad bytes). Synchronous on purpose: it runs in a
// worker thread, where blocking costs nothing and saves a promise per read.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Segment } from './layout.ts';

/** A read that failed or came up short, reported instead of thrown in lenient (verify) mode. */
export interface ReadProblem {
  /** Range in the chunk buffer that holds no file data (left as zeros). */
  at: number;
  length: number;
  code: string;
}

/** Error thrown by strict reads; carries a stable code for the caller's error class. */
export class ReadFailure extends Error {
  code: string;
  path: string;
  constructor(code: string, path: string, message: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}

/**
 * Fill `buf[0, length)` from the segments: `paths[i]` is the file of `segments[i]` (`''`: zeros). Strict mode throws
 * a {@link ReadFailure} on a missing or short file; lenient mode zero-fills and reports.
 */
export function fillChunk(buf: Uint8Array, length: number, segments: readonly Segment[], paths: readonly string[], lenient: boolean): ReadProblem[] {
  const problems: ReadProblem[] = [];
  let cursor = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.at > cursor) buf.fill(0, cursor, seg.at);
    const path = paths[i]!;
    if (path === '') {
      // A BEP 47 pad file when verifying: its bytes are zeros by definition.
      buf.fill(0, seg.at, seg.at + seg.length);
      cursor = seg.at + seg.length;
      continue;
    }
    let done = 0;
    let code = '';
    let fd = -1;
    try {
      fd = openSync(path, 'r');
      while (done < seg.length) {
        const n = readSync(fd, buf, seg.at + done, seg.length - done, seg.position + done);
        if (n === 0) break;
        done += n;
      }
      if (done < seg.length) code = 'FILE_TRUNCATED';
    } catch (err) {
      code = (err as { code?: string }).code === 'ENOENT' ? 'FILE_MISSING' : 'FILE_UNREADABLE';
      if (!lenient) throw new ReadFailure(code, path, `${path}: ${(err as Error).message}`);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
    if (code) {
      if (!lenient) throw new ReadFailure(code, path, `${path}: shorter than expected (changed while hashing?)`);
      buf.fill(0, seg.at + done, seg.at + seg.length);
      problems.push({ at: seg.at + done, length: seg.length - done, code });
    }
    cursor = seg.at + seg.length;
  }
  if (length > cursor) buf.fill(0, cursor, length);
  return problems;
}
