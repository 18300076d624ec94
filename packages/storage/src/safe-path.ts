// Checks that torrent path components can be joined under a download root without leaving it. The
// caller normally passes components already sanitised by @torrentkit/metainfo; this is the last line of
// defence and refuses (rather than rewrites) anything that could climb out or alias another file.
import { StorageError } from './errors.ts';

// Windows device names are harmless on POSIX but still refused so a store never depends on the OS.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Throws `STORAGE_UNSAFE_PATH` unless every component is a plain, non-empty name. */
export function assertSafeComponents(components: readonly string[]): void {
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
      RESERVED.test(c) ||
      c.length > 255
    ) {
      throw new StorageError('STORAGE_UNSAFE_PATH', `unsafe path component ${JSON.stringify(c)} in ${JSON.stringify(components)}`);
    }
  }
}

/** True when `child` equals `root` or lies below it (both absolute, normalised, `/`-separated). */
export function isInside(root: string, child: string): boolean {
  if (child === root) return true;
  const base = root.endsWith('/') ? root : root + '/';
  return child.startsWith(base);
}
