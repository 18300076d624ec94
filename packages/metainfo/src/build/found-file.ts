// What the directory walk finds, in a form free of node: imports so the builder can use it
// everywhere; the walk itself (walk-node.ts) is loaded only when a directory is walked.
import { hasEscapedBytes } from '../util/text.ts';

/**
 * A directory the walk went through: where it is on disk and its path inside the torrent. Its files
 * share it, so a tree of many files holds one path per directory, not one per file (which would
 * make a walk of 20,000 files keep megabytes more alive, and V8's young generation grow with it).
 */
export interface FoundDir {
  path: string;
  /** What a child's path on disk starts with (`path` and a separator, as node:path.join makes it). */
  prefix: string;
  rel: readonly string[];
}

/** A file found by the walk; `name` undefined means the file is `dir` itself (a single-file input). */
export class FoundFile {
  readonly dir: FoundDir;
  readonly name: string | undefined;
  readonly length: number;
  readonly executable: boolean;

  constructor(dir: FoundDir, name: string | undefined, length: number, executable: boolean) {
    this.dir = dir;
    this.name = name;
    this.length = length;
    this.executable = executable;
  }

  /**
   * Where the file is on disk, made each time it is asked for: the hasher asks once per file, so
   * no path string per file stays alive (a tree of 100,000 files would keep megabytes of them).
   */
  get path(): string {
    return diskPath(this);
  }
}

/** Where the file is on disk. */
export function diskPath(f: FoundFile): string {
  return f.name === undefined ? f.dir.path : f.dir.prefix + f.name;
}

/**
 * The file's path inside the torrent (a new array). Made at its exact size: an array literal with a
 * spread grows as it is filled, to 17 slots for a two-component path, which is about 120 bytes more
 * per file in the result's file list (12 MB for 100,000 files).
 */
export function torrentPath(f: FoundFile): string[] {
  const rel = f.dir.rel;
  const path = new Array<string>(rel.length + (f.name === undefined ? 0 : 1));
  for (let i = 0; i < rel.length; i++) path[i] = rel[i]!;
  if (f.name !== undefined) path[rel.length] = f.name;
  return path;
}

/**
 * The path holds escapes of bytes that are not UTF-8 (a name read as bytes; see util/text.ts). Such
 * a path must reach node:fs as bytes (util/fs-path.ts).
 */
export const hasRawBytes = hasEscapedBytes;

/** A path for messages: escaped bytes as `\xFF`, other control and replacement characters as `\uXXXX`. */
export function shownPath(path: string): string {
  let out = '';
  for (const ch of path) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) out += `\\x${(cp - 0xdc00).toString(16).toUpperCase()}`;
    else if (cp < 0x20 || cp === 0x7f || cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
