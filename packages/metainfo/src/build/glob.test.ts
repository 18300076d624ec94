import { describe, expect, it } from 'vitest';
import { MetainfoError } from '../errors.ts';
import { compileExcludes } from './glob.ts';

const matches = (patterns: string[], paths: string[]): string[] => {
  const m = compileExcludes(patterns);
  return paths.filter((p) => m(p));
};

function failure(patterns: string[]): MetainfoError {
  try {
    compileExcludes(patterns);
  } catch (err) {
    if (err instanceof MetainfoError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('compileExcludes', () => {
  const paths = ['a', 'b/a', 'a/x', 'b/a/y', 'build', 'src/build', 'x.tmp', 'd/e/x.tmp', 'docs/r.md', 'docs/s/r.md'];

  it('matches a pattern without slash at any depth, and one with a slash from the root', () => {
    expect(matches(['a'], paths)).toEqual(['a', 'b/a', 'a/x', 'b/a/y']);
    expect(matches(['*.tmp'], paths)).toEqual(['x.tmp', 'd/e/x.tmp']);
    expect(matches(['docs/*.md'], paths)).toEqual(['docs/r.md']);
    expect(matches(['docs/**/*.md'], paths)).toEqual(['docs/r.md', 'docs/s/r.md']);
  });

  it('anchors a pattern with a leading / (or ./) to the root, as .gitignore does', () => {
    expect(matches(['/a'], paths)).toEqual(['a']);
    expect(matches(['./a'], paths)).toEqual(['a']);
    expect(matches(['/build/'], paths)).toEqual(['build']);
    expect(matches(['/b/a'], paths)).toEqual(['b/a']);
    expect(matches(['/*.tmp'], paths)).toEqual(['x.tmp']);
  });

  it('reads classes, ranges and negations, which never match /', () => {
    expect(matches(['[ab]'], ['a', 'b', 'c'])).toEqual(['a', 'b']);
    expect(matches(['[a-c]x'], ['ax', 'cx', 'dx'])).toEqual(['ax', 'cx']);
    expect(matches(['[!a]'], ['a', 'b'])).toEqual(['b']);
    expect(matches(['[^a]'], ['a', 'b'])).toEqual(['b']);
    expect(matches(['[]]'], [']', 'a'])).toEqual([']']);
    expect(matches(['[!]]'], [']', 'a'])).toEqual(['a']);
    expect(matches(['[a-]'], ['a', '-', 'b'])).toEqual(['a', '-']);
    expect(matches(['d[!x]e'], ['d/e', 'dye'])).toEqual(['dye']);
    expect(matches(['d[/]e'], ['d/e'])).toEqual([]);
    expect(matches(['[\\]'], ['\\', 'a'])).toEqual(['\\']);
  });

  it('takes regular-expression characters literally', () => {
    expect(matches(['a]', '(b)', 'c{1}', 'd+', '$e', '[f'], ['a]', '(b)', 'c{1}', 'd+', '$e', '[f', 'cc', 'dd', 'f'])).toEqual([
      'a]', '(b)', 'c{1}', 'd+', '$e', '[f',
    ]);
  });

  it('rejects a malformed pattern with a typed error naming it', () => {
    for (const pattern of ['[z-a]', 'x/[9-0].txt', '/', '//']) {
      const err = failure(['ok', pattern]);
      expect(err.code).toBe('METAINFO_INVALID_EXCLUDE');
      expect(err.message).toContain(JSON.stringify(pattern));
    }
    expect(failure(['[z-a]']).message).toBe('invalid exclude pattern "[z-a]": range z-a runs backwards');
  });
});
