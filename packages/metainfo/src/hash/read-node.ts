// File-reading adapter (node:fs) for the hasher: serves a chunk's bytes window by window from its
// segments with positional reads, zero-filling the gaps (BEP 47 pad bytes). Synchronous on
// purpose: it runs in worker threads, where blocking costs nothing and saves a promise per read.
// The open file is kept across windows and closed when the chunk is done.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { fsPath } from '../util/fs-path.ts';
import type { Segment } from './layout.ts';

// O_NONBLOCK does nothing to a regular file, and keeps a FIFO put in a file's place from blocking the
// thread in open() for good (its read then fails, and the file counts as unreadable).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** A read that failed or came up short, reported instead of thrown in lenient (verify) mode. */
export interface ReadProblem {
  /** Range in the chunk that holds no file data (left as zeros). */
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
 * Reads one chunk's segments; `paths[i]` is the file of `segments[i]` (`''`: zeros). A path holding
 * U+DC80..U+DCFF escapes names a file whose name is not UTF-8 and is opened by its bytes.
 */
export class SegmentReader {
  readonly problems: ReadProblem[] = [];
  #segments: readonly Segment[];
  #paths: readonly string[];
  #lenient: boolean;
  #next = 0;
  #path = '';
  #fd = -1;
  #openError = '';

  constructor(segments: readonly Segment[], paths: readonly string[], lenient: boolean) {
    this.#segments = segments;
    this.#paths = paths;
    this.#lenient = lenient;
  }

  /** Fill `into` with the chunk's bytes `[from, from + into.length)`. */
  read(into: Uint8Array, from: number): void {
    const to = from + into.length;
    let cursor = from;
    for (let i = this.#next; i < this.#segments.length; i++) {
      const seg = this.#segments[i]!;
      if (seg.at >= to) break;
      const segEnd = seg.at + seg.length;
      if (segEnd <= from) continue;
      const start = Math.max(seg.at, from);
      const end = Math.min(segEnd, to);
      if (start > cursor) into.fill(0, cursor - from, start - from);
      this.#copy(seg, this.#paths[i]!, into, start - from, start - seg.at + seg.position, end - start);
      cursor = end;
      if (segEnd <= to) this.#next = i + 1;
    }
    if (to > cursor) into.fill(0, cursor - from, to - from);
  }

  /** Close the open file. */
  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
    this.#path = '';
  }

  #copy(seg: Segment, path: string, into: Uint8Array, at: number, position: number, length: number): void {
    if (path === '') {
      // A BEP 47 pad file when verifying: its bytes are zeros by definition.
      into.fill(0, at, at + length);
      return;
    }
    if (path !== this.#path) {
      this.close();
      this.#path = path;
      this.#openError = '';
      try {
        // A name that is not UTF-8 travels as U+DC80..U+DCFF escapes (util/text.ts): open its bytes.
        this.#fd = openSync(fsPath(path), READ_FLAGS);
      } catch (err) {
        this.#openError = (err as { code?: string }).code === 'ENOENT' ? 'FILE_MISSING' : 'FILE_UNREADABLE';
        if (!this.#lenient) throw new ReadFailure(this.#openError, path, `${path}: ${(err as Error).message}`);
      }
    }
    let done = 0;
    let code = this.#openError;
    if (!code) {
      try {
        while (done < length) {
          const n = readSync(this.#fd, into, at + done, length - done, position + done);
          if (n === 0) break;
          done += n;
        }
        if (done < length) code = 'FILE_TRUNCATED';
      } catch (err) {
        code = 'FILE_UNREADABLE';
        if (!this.#lenient) throw new ReadFailure(code, path, `${path}: ${(err as Error).message}`);
      }
    }
    if (code) {
      if (!this.#lenient) throw new ReadFailure(code, path, `${path}: shorter than expected (changed while hashing?)`);
      into.fill(0, at + done, at + length);
      // `at` is relative to the window; report chunk offsets.
      this.problems.push({ at: seg.at + (position - seg.position) + done, length: length - done, code });
    }
  }
}
