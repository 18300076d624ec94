// Exclude patterns for the builder, matched against paths relative to the torrent root with `/`
// separators, with .gitignore's rules where they apply (see compileExcludes).
import { MetainfoError } from '../errors.ts';

/** A compiled exclude pattern. */
export interface Matcher {
  /** True when the entry at `relPath` (components joined by `/`) is excluded. */
  (relPath: string): boolean;
}

/**
 * Compile exclude globs into one predicate over paths relative to the torrent root (components
 * joined by `/`; the walk asks about every directory before entering it, so an excluded directory
 * takes everything under it along). As in .gitignore:
 *
 * - A pattern without `/` matches one path component at any depth: `*.tmp` leaves out temp files
 *   everywhere, `node_modules` prunes that directory wherever it is.
 * - A leading `/` (or `./`) anchors the pattern to the root: `/build` is only the top-level `build`.
 * - A pattern with a `/` inside matches the whole relative path from the root: `docs/*.md`.
 * - A trailing `/` is ignored (`build/` is `build`).
 * - `*` and `?` match within one component; `**` spans any number of components (`a/**` is all
 *   below `a`; `**` then `/x` is `x` at any depth); `[abc]`, `[a-z]` and `[!abc]` (or `[^abc]`)
 *   are character classes, which never match `/`. A `[` without a closing `]` is itself.
 *
 * Empty patterns are ignored.
 * @throws {MetainfoError} `METAINFO_INVALID_EXCLUDE` for a malformed pattern: one of only slashes,
 *   or a class range that runs backwards such as `[z-a]`. The message names the pattern.
 */
export function compileExcludes(patterns: readonly string[]): Matcher {
  const tests = patterns.filter((p) => p.length > 0).map(compileOne);
  return (relPath) => tests.some((t) => t(relPath));
}

function invalid(pattern: string, why: string): MetainfoError {
  return new MetainfoError('METAINFO_INVALID_EXCLUDE', `invalid exclude pattern ${JSON.stringify(pattern)}: ${why}`);
}

function compileOne(pattern: string): Matcher {
  const anchored = /^\.?\//.test(pattern);
  const p = pattern.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (p === '') throw invalid(pattern, 'it names no path');
  const source = globToRegExp(p, pattern);
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`, 'u');
  } catch (err) {
    // Not expected (the translation escapes what it copies): still a typed error naming the pattern.
    throw invalid(pattern, (err as Error).message);
  }
  if (!anchored && !p.includes('/')) return (rel) => rel.split('/').some((c) => re.test(c));
  return (rel) => re.test(rel);
}

/** The regular expression source of a glob (`pattern` as given, for errors). */
function globToRegExp(glob: string, pattern: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; out += '(?:.*/)?'; } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const negate = glob[i + 1] === '!' || glob[i + 1] === '^';
      const first = i + (negate ? 2 : 1);
      // A `]` right after the opening (and its `!`) is a member, not the end.
      const end = glob.indexOf(']', first + 1);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      out += characterClass([...glob.slice(first, end)], negate, pattern);
      i = end;
    } else out += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return out;
}

/** A class's members (code points) as a regular expression class that never matches `/`. */
function characterClass(members: string[], negate: boolean, pattern: string): string {
  let body = '';
  for (let k = 0; k < members.length; k++) {
    const from = members[k]!;
    if (members[k + 1] === '-' && k + 2 < members.length) {
      const to = members[k + 2]!;
      if (to.codePointAt(0)! < from.codePointAt(0)!) throw invalid(pattern, `range ${from}-${to} runs backwards`);
      body += `${escapeMember(from)}-${escapeMember(to)}`;
      k += 2;
    } else body += escapeMember(from);
  }
  return negate ? `(?!/)[^${body}]` : `(?!/)[${body}]`;
}

function escapeMember(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}
