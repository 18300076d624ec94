// Checks that torrent path components can be joined under a download root without leaving it. The
// caller normally passes components already sanitised by @torrentkit/metainfo; this is the last line of
// defence and refuses (rather than rewrites) anything that could climb out or alias another file.
import { StorageError } from './errors.ts';

// Device names and characters that only mean something special to Windows: CON is the console, a
// ":" opens an NTFS alternate stream, trailing dots and spaces are stripped (so "a." aliases "a").
// On POSIX they are ordinary names (the Linux kernel has drivers/…/aux.c).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|clock\$|com[0-9]|lpt[0-9])(\..*)?$/i;
// Control characters (1-31) are not allowed in Windows names either: CreateFile fails on them.
const WINDOWS_CHARS = /[<>:"|?*\x01-\x1f]/;
// No node:process import: this module is also part of the runtime-neutral entry.
const PLATFORM = (globalThis as { process?: { platform?: string } }).process?.platform;
const ON_WINDOWS = PLATFORM === 'win32';
// NTFS and FAT ignore case, and so do macOS's APFS and HFS+ as formatted by default.
const ON_MAC = PLATFORM === 'darwin';

/** Options for {@link assertSafeComponents}. */
export interface SafePathOptions {
  /**
   * Also refuse what is unsafe only on Windows (device names such as `con` or `aux.c`, `<>:"|?*`,
   * control characters, trailing dots and spaces). Default: true when running on Windows.
   */
  windows?: boolean;
}

// Names are limited to 255 bytes of UTF-8 (ext4, XFS, Btrfs, APFS), which also keeps them within
// NTFS's 255 UTF-16 units; counting UTF-16 units let a 100-character CJK name (300 bytes) through.
const UTF8 = new TextEncoder();
// A UTF-16 unit takes at most 3 bytes, so names of up to 85 units need no encoding.
const tooLong = (c: string): boolean => c.length > 85 && UTF8.encode(c).length > 255;

/**
 * Throws `STORAGE_UNSAFE_PATH` unless every component is a plain, non-empty name of at most 255
 * bytes in UTF-8.
 */
export function assertSafeComponents(components: readonly string[], options: SafePathOptions = {}): void {
  if (components.length === 0) throw new StorageError('STORAGE_UNSAFE_PATH', 'empty path');
  for (const c of components) {
    if (
      c === '' ||
      c === '.' ||
      c === '..' ||
      c.includes('/') ||
      c.includes('\\') ||
      c.includes('\0') ||
      /^[a-zA-Z]:/.test(c) ||
      tooLong(c) ||
      ((options.windows ?? ON_WINDOWS) && (WINDOWS_RESERVED.test(c) || WINDOWS_CHARS.test(c) || /[. ]$/.test(c)))
    ) {
      throw new StorageError('STORAGE_UNSAFE_PATH', `unsafe path component ${JSON.stringify(c)} in ${JSON.stringify(components)}`);
    }
  }
}

/**
 * Checks the paths of a whole torrent before any byte is written: each one safe, no two files on one
 * path, and no file where another file needs a directory (`a` and `a/b/c`), at any depth. With the
 * Windows rules, and on macOS, names that differ only in case are one path: on those file systems
 * `README` and `readme` are the same file, and the two files' pieces would overwrite each other.
 */
export function assertSafeLayoutPaths(paths: readonly (readonly string[] | undefined)[], options: SafePathOptions = {}): void {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const fold = (options.windows ?? ON_WINDOWS) || ON_MAC;
  for (const original of paths) {
    if (!original) continue;
    assertSafeComponents(original, options);
    const components = fold ? original.map((c) => c.toLowerCase()) : original;
    const key = components.join('/');
    if (files.has(key)) throw new StorageError('STORAGE_UNSAFE_PATH', `two files map to ${JSON.stringify(original.join('/'))}`);
    files.add(key);
    for (let i = 1; i < components.length; i++) dirs.add(components.slice(0, i).join('/'));
  }
  for (const key of files) {
    if (dirs.has(key)) throw new StorageError('STORAGE_UNSAFE_PATH', `${JSON.stringify(key)} is both a file and a directory`);
  }
}

/** True when `child` equals `root` or lies below it (both absolute and normalised, separated by `sep`). */
export function isInside(root: string, child: string, sep = '/'): boolean {
  if (child === root) return true;
  const base = root.endsWith(sep) ? root : root + sep;
  return child.startsWith(base);
}
