import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { compileExcludes } from '@torrentkit/metainfo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, outputInside } from './output-inside.ts';
import { tempDir } from './testing/fixtures.ts';

describe('outputInside', () => {
  let dir = '';
  let cleanup = (): void => {};
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    mkdirSync(join(dir, 'proj/sub/deeper'), { recursive: true });
    symlinkSync(join(dir, 'proj'), join(dir, 'link'));
  });
  afterAll(() => cleanup());

  it('is undefined when the output is outside the input, or the input is a file', () => {
    expect(outputInside(join(dir, 'proj'), join(dir, 'proj.torrent'))).toBeUndefined();
    expect(outputInside(join(dir, 'proj/sub'), join(dir, 'proj/x.torrent'))).toBeUndefined();
    expect(outputInside(join(dir, 'pro'), join(dir, 'proj/x.torrent'))).toBeUndefined();
  });

  it('matches the output file and our temporary files there, and nothing else', () => {
    const cases: Array<[string, string, string[], string[]]> = [
      // [input, output, excluded relative paths, kept relative paths]
      [join(dir, 'proj'), join(dir, 'proj/proj.torrent'),
        ['proj.torrent', '.ct-123-abc.tmp', '.ct-9-x-------.tmp'],
        ['sub/proj.torrent', 'proj.torrents', 'xproj.torrent', 'proj.torrent/x', 'sub/.ct-1-a.tmp', '.ct-1.tmpx', 'proj']],
      [join(dir, 'link'), join(dir, 'proj/sub/out.torrent'),
        ['sub/out.torrent', 'sub/.ct-1-a.tmp'],
        ['out.torrent', 'sub/deeper/out.torrent', 'sub', '.ct-1-a.tmp']],
      [join(dir, 'proj'), join(dir, 'link/sub/deeper/a*b?[c]\\!^-].torrent'),
        ['sub/deeper/a*b?[c]\\!^-].torrent'],
        ['sub/deeper/aXbY[c]\\!^-].torrent', 'sub/deeper/a*b?c\\!^-].torrent']],
    ];
    for (const [input, output, excluded, kept] of cases) {
      const patterns = outputInside(input, output);
      expect(patterns, output).toBeDefined();
      const m = compileExcludes(patterns!);
      for (const rel of excluded) expect(m(rel), `${output}: ${rel}`).toBe(true);
      for (const rel of kept) expect(m(rel), `${output}: ${rel}`).toBe(false);
    }
  });

  it('ends an exact pattern safely whatever its last character is', () => {
    for (const last of ['!', '^', ']', '[', '\\', '-', '*', '?', '\u{1f600}', 't']) {
      const name = `x${last}`;
      const [p] = outputInside(join(dir, 'proj'), join(dir, 'proj', name))!;
      const m = compileExcludes([p!]);
      expect(m(name), p).toBe(true);
      expect(m(`sub/${name}`), p).toBe(false);
      expect(m('x'), p).toBe(false);
      expect(m('xy'), p).toBe(false);
    }
  });

  it('literal makes glob characters match only themselves', () => {
    const m = compileExcludes([`d/${literal('a*[b]?\\c')}`]);
    expect(m('d/a*[b]?\\c')).toBe(true);
    expect(m('d/aa[b]x\\c')).toBe(false);
  });
});
