// Exclude patterns for the builder, matched against paths relative to the torrent root with `/`
// separators. A pattern without `/` matches any single path component (like .gitignore), so `*.tmp`
// excludes temp files at every depth and `node_modules` prunes that directory wherever it is. With a
// `/` it matches the whole relative path: `*` and `?` stay within a component, `**` spans any
// number of components, `[abc]` / `[!abc]` are character classes.

/** A compiled exclude pattern. */
export interface Matcher {
  /** True when the entry at `relPath` (components joined by `/`) is excluded. */
  (relPath: string): boolean;
}

/** Compile exclude globs into one predicate. */
export function compileExcludes(patterns: readonly string[]): Matcher {
  const tests = patterns.filter((p) => p.length > 0).map(compileOne);
  return (relPath) => tests.some((t) => t(relPath));
}

function compileOne(pattern: string): Matcher {
  const p = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  const re = new RegExp(`^${globToRegExp(p)}$`, 'u');
  if (!p.includes('/')) return (rel) => rel.split('/').some((c) => re.test(c));
  return (rel) => re.test(rel);
}

function globToRegExp(glob: string): string {
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
      const end = glob.indexOf(']', i + 2);
      if (end < 0) { out += '\\['; continue; }
      let body = glob.slice(i + 1, end);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return out;
}
