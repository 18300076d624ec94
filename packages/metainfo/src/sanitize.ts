// Turning torrent path components into names that are safe to create below a download directory.
// Torrents are hostile input (DESIGN.md, principle 5): components may be "..", ".", empty,
// absolute, hold "/" or "\", drive letters, control characters or direction overrides.
//
// Policy, applied to each component on every platform:
// - "/", "\", C0 control characters and DEL become "_"; so does a lone surrogate (a byte that
//   was not valid UTF-8), so names are valid Unicode.
// - Unicode direction controls (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) are removed: they
//   make "exe.avi" display as something else.
// - A ":" that would make a drive letter ("C:") becomes "_".
// - "." and ".." and components that end up empty are dropped; if nothing is left, the path is
//   ["_"]. Dropping (rather than renaming) keeps "a/./b" = "a/b", as every client does.
// - A component longer than 255 UTF-8 bytes is cut, keeping a short extension.
// With `windows: true` (pass it when the files will live on Windows or a FAT/NTFS volume):
// - `< > : " | ? *` become "_"; trailing dots and spaces are removed;
// - reserved device names (CON, PRN, AUX, NUL, CLOCK$, COM0-9, LPT0-9, with any extension, any
//   case) get a "_" prefix.
// The result joined with "/" (or the platform separator) never leaves the directory it is joined to.
//
// isSafeComponent answers a narrower question for reading data that already exists (verify): can
// this component be used exactly as it is? Files made from a directory keep names with "\\",
// control characters or non-UTF-8 bytes that are legal on POSIX, and only the unchanged name finds
// them.

import { textBytes } from './util/text.ts';

/** Options for {@link sanitizePath}. */
export interface SanitizeOptions {
  /** Also apply the Windows rules (reserved names, `<>:"|?*`, trailing dots/spaces). Default false. */
  windows?: boolean;
  /** Longest component in UTF-8 bytes. Default 255 (most file systems' limit). */
  maxComponentBytes?: number;
}

const REPLACE = /[\u0000-\u001f\u007f/\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const DIRECTION = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const WINDOWS_CHARS = /[<>:"|?*]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|clock\$|com[0-9]|lpt[0-9])(\..*)?$/i;
const encoder = new TextEncoder();

function truncate(name: string, maxBytes: number): string {
  if (encoder.encode(name).length <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  const budget = maxBytes - encoder.encode(ext).length;
  let out = '';
  let used = 0;
  for (const ch of name.slice(0, name.length - ext.length)) {
    const n = encoder.encode(ch).length;
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + ext;
}

/** One component made safe, or `undefined` when it should be dropped. */
export function sanitizeComponent(component: string, opts: SanitizeOptions = {}): string | undefined {
  let c = component.replace(DIRECTION, '').replace(REPLACE, '_');
  if (/^[A-Za-z]:/.test(c)) c = `${c[0]}_${c.slice(2)}`;
  if (opts.windows) {
    c = c.replace(WINDOWS_CHARS, '_').replace(/[. ]+$/, '');
    if (WINDOWS_RESERVED.test(c)) c = `_${c}`;
  }
  if (c === '' || c === '.' || c === '..') return undefined;
  c = truncate(c, opts.maxComponentBytes ?? 255);
  return c === '' || c === '.' || c === '..' ? undefined : c;
}

/**
 * Safe relative path components for a torrent path (a {@link TorrentFile.path} or a symlink
 * target). Joining the result onto a directory always stays inside that directory.
 *
 * @example
 * ```ts
 * sanitizePath(['..', 'etc', 'passwd']);   // ['etc', 'passwd']
 * sanitizePath(['C:', 'a\\b', 'con.txt'], { windows: true }); // ['C_', 'a_b', '_con.txt']
 * ```
 */
export function sanitizePath(components: readonly string[], opts: SanitizeOptions = {}): string[] {
  const out: string[] = [];
  for (const c of components) {
    const safe = sanitizeComponent(c, opts);
    if (safe !== undefined) out.push(safe);
  }
  return out.length > 0 ? out : ['_'];
}

// Lone surrogates other than U+DC80..U+DCFF (the escapes of non-UTF-8 bytes) stand for nothing.
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WINDOWS_UNSAFE = /[\u0000-\u001f\\<>:"|?*]|[. ]$/;

/**
 * True when `component` can name a file or directory exactly as it is, directly below a directory,
 * on the platform `opts` describes: not empty, `.` or `..`, no `/` or NUL, no longer than
 * `maxComponentBytes`; lone surrogates only as escapes of non-UTF-8 bytes (U+DC80..U+DCFF, which
 * must then be opened by their bytes). With `windows: true` also none of the characters Windows
 * refuses (`\\`, controls, `<>:"|?*`), no trailing dot or space, no reserved device name and no
 * lone surrogates. A path of safe components joined onto a directory stays inside it.
 *
 * ```ts
 * isSafeComponent('back\\slash');                    // true: a legal POSIX name
 * isSafeComponent('back\\slash', { windows: true }); // false
 * ```
 */
export function isSafeComponent(component: string, opts: SanitizeOptions = {}): boolean {
  if (component === '' || component === '.' || component === '..') return false;
  if (component.includes('/') || component.includes('\u0000')) return false;
  for (const m of component.matchAll(LONE)) {
    const u = m[0].charCodeAt(0);
    if (opts.windows || u < 0xdc80 || u > 0xdcff) return false;
  }
  if (opts.windows && (WINDOWS_UNSAFE.test(component) || WINDOWS_RESERVED.test(component))) return false;
  return textBytes(component).length <= (opts.maxComponentBytes ?? 255);
}
