import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetainfoError } from '../errors.ts';
import type { TorrentFile } from '../types.ts';
import { caseFoldedPaths, checkDuplicates } from './duplicates.ts';
import { MAX_NAME_COLLISIONS } from './limits.ts';

// The rule as first written: every directory prefix and every path joined, then lowercased whole.
function model(files: readonly TorrentFile[]): string[] | undefined {
  const taken = new Set<string>();
  for (const f of files) for (let i = 1; i < f.path.length; i++) taken.add(f.path.slice(0, i).join('/').toLowerCase());
  const out: string[] = [];
  let collisions = 0;
  for (const f of files) {
    const p = f.path.join('/').toLowerCase();
    out.push(p);
    if (f.pad) continue;
    if (!taken.has(p)) {
      taken.add(p);
      continue;
    }
    const slash = p.lastIndexOf('/');
    const dot = p.lastIndexOf('.');
    const cut = dot > slash + 1 ? dot : p.length;
    for (let n = 1; ; n++) {
      const candidate = `${p.slice(0, cut)}.${n}${p.slice(cut)}`;
      if (!taken.has(candidate)) {
        taken.add(candidate);
        out[out.length - 1] = candidate;
        break;
      }
      if (++collisions > MAX_NAME_COLLISIONS) return undefined;
    }
  }
  return out;
}

const file = (path: string[], pad = false) => ({ path, pad }) as unknown as TorrentFile;

function passes(files: readonly TorrentFile[]): boolean {
  try {
    checkDuplicates(files);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(MetainfoError);
    expect((err as MetainfoError).code).toBe('METAINFO_TOO_MANY_DUPLICATE_FILENAMES');
    return false;
  }
}

describe('checkDuplicates', () => {
  it('agrees with lowercasing whole joined paths, on names that case rules treat specially', () => {
    // Σ lowercases to ς at the end of a word and σ inside one; İ to two code units; '.' is
    // case-ignorable; 'a.1' is what renaming a duplicate 'a' tries first.
    const component = fc.constantFrom('a', 'A', 'b', 'ΑΣ', 'ασ', 'ας', 'Σ', 'σ', 'İ', 'i̇', 'Σ.', 'x.txt', 'X.TXT', 'x.1.txt', 'a.1', '.');
    const path = fc.array(component, { minLength: 1, maxLength: 4 });
    const files = fc.array(fc.tuple(path, fc.boolean()), { maxLength: 40 });
    fc.assert(
      fc.property(files, (list) => {
        const torrentFiles = list.map(([p, pad]) => file(p, pad));
        const want = model(torrentFiles);
        expect(caseFoldedPaths(torrentFiles)).toEqual(want);
        expect(passes(torrentFiles)).toBe(want !== undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('a directory that has the name of the previous file is still a directory', () => {
    // d/x is a file and then a directory: the second x must count as taken by the directory.
    const files = [file(['d', 'x']), file(['d', 'x', 'y'])];
    expect(caseFoldedPaths(files)).toEqual(['d/x.1', 'd/x/y']);
    expect(model(files)).toEqual(['d/x.1', 'd/x/y']);
  });

  it('rejects thousands of copies of one path, as libtorrent does', () => {
    const copies = Array.from({ length: MAX_NAME_COLLISIONS * 2 }, () => file(['t', 'same.bin']));
    expect(passes(copies)).toBe(false);
    expect(passes(copies.slice(0, 10))).toBe(true);
  });
});
