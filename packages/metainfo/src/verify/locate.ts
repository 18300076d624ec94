// Where a torrent's files are on disk for verification. Two kinds of data get verified: what was
// made into the torrent (names exactly as they are on disk, `\`, control characters and non-UTF-8
// bytes included, legal on POSIX) and what a client downloaded (names made safe with sanitizePath,
// as @torrentkit/storage's FileStore saves them). So a path whose components are all usable as they
// are is looked up unchanged, falling back to its sanitised form only when that is where the file
// is; any other path is only ever looked up sanitised, which can never leave the root.
//
// Components holding escapes of non-UTF-8 bytes (U+DC80..U+DCFF, see util/text.ts) name a file
// only by their bytes. Node and Bun open byte paths (Uint8Array); Deno's node:fs decodes them as
// UTF-8 with replacement characters and would open a different file, and Windows names are not
// bytes, so there such a file is reported unavailable instead of being read.
import { isSafeComponent, sanitizePath } from '../sanitize.ts';
import { hasEscapedBytes, textBytes } from '../util/text.ts';

/** A file's data is unavailable for a reason other than being absent; its pieces count as bad. */
export interface UnavailableFile {
  unavailable: string;
}

/**
 * Where verification reads a file: a path string, a path as raw bytes (for names that are not
 * UTF-8; opened with node:fs on Node and Bun), or why it cannot be read at all.
 */
export type FileLocation = string | Uint8Array | UnavailableFile;

/** Options of {@link createFileLocator}. */
export interface FileLocatorOptions {
  /** Apply the Windows naming rules. Default: whether this is Windows. */
  windows?: boolean;
}

/** Gives the location of a file from its torrent path components (relative to the locator's root). */
export type FileLocator = (components: readonly string[]) => FileLocation;

/**
 * A function finding torrent files below `root` (node:fs, so async to load). Each path is used as
 * it is when every component is safe to use on this platform ({@link isSafeComponent}) unless only
 * its sanitised form ({@link sanitizePath}) exists; otherwise the sanitised form.
 *
 * ```ts
 * const locate = await createFileLocator('/downloads');
 * locate(['album', 'back\\slash.flac']); // '/downloads/album/back\\slash.flac' on Linux
 * ```
 */
export async function createFileLocator(root: string, options: FileLocatorOptions = {}): Promise<FileLocator> {
  const { join, sep } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const proc = (globalThis as { process?: { platform?: string } }).process;
  const windows = options.windows ?? proc?.platform === 'win32';
  const bytePaths = !windows && proc?.platform !== 'win32' && (globalThis as { Deno?: unknown }).Deno === undefined;
  const exists = (p: string | Uint8Array): boolean => {
    try {
      return existsSync(p as string);
    } catch {
      return false;
    }
  };
  return (components) => {
    const sanitised = join(root, ...sanitizePath(components, { windows }));
    if (components.length === 0 || !components.every((c) => isSafeComponent(c, { windows }))) return sanitised;
    if (!components.some(hasEscapedBytes)) {
      const raw = join(root, ...components);
      return raw === sanitised || exists(raw) || !exists(sanitised) ? raw : sanitised;
    }
    if (!bytePaths) {
      return { unavailable: windows ? 'its name is not valid UTF-8, which Windows names cannot hold' : 'its name is not valid UTF-8 and this runtime cannot open such names' };
    }
    // Not path.join: Bun's turns lone surrogates into U+FFFD. Safe components need no normalising.
    const base = join(root, '.');
    // A fresh array (not a pooled Buffer slice), so sending it to a hashing worker copies only it.
    const bytes = textBytes(`${base}${base.endsWith(sep) ? '' : sep}${components.join(sep)}`);
    return exists(bytes) || !exists(sanitised) ? bytes : sanitised;
  };
}
