import { posix, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTorrent } from './parse/parse-torrent.ts';
import { sanitizeComponent, sanitizePath } from './sanitize.ts';
import { fixture, libtorrentManifest } from './test-fixtures.ts';

const ROOTS = { posix: '/downloads/root', win32: 'D:\\downloads\\root' };

function staysInside(components: string[]): void {
  const p = posix.resolve(ROOTS.posix, ...components);
  expect(p.startsWith(ROOTS.posix + '/'), p).toBe(true);
  const w = win32.resolve(ROOTS.win32, ...components);
  expect(w.startsWith(ROOTS.win32 + '\\'), w).toBe(true);
}

describe('sanitizePath', () => {
  it('drops . and .. and empty components', () => {
    expect(sanitizePath(['..', 'etc', '.', '', 'passwd'])).toEqual(['etc', 'passwd']);
    expect(sanitizePath(['..', '..'])).toEqual(['_']);
    expect(sanitizePath([])).toEqual(['_']);
  });

  it('replaces separators, control characters and drive letters', () => {
    expect(sanitizePath(['/etc/passwd'])).toEqual(['_etc_passwd']);
    expect(sanitizePath(['a\\..\\b'])).toEqual(['a_.._b']);
    expect(sanitizePath(['C:', 'x'])).toEqual(['C_', 'x']);
    expect(sanitizePath(['c:\\windows'])).toEqual(['c__windows']);
    expect(sanitizePath(['a\u0000b\nc'])).toEqual(['a_b_c']);
    expect(sanitizeComponent('bad\udcffbyte')).toBe('bad_byte');
  });

  it('removes direction overrides', () => {
    expect(sanitizePath(['evil\u202eexe.avi'])).toEqual(['evilexe.avi']);
  });

  it('keeps ordinary names unchanged', () => {
    expect(sanitizePath(['Film: The Sequel?', 'Ünïcødé 別の世界.txt'])).toEqual(['Film: The Sequel?', 'Ünïcødé 別の世界.txt']);
  });

  it('applies the Windows rules on request', () => {
    const w = { windows: true };
    expect(sanitizePath(['con', 'NUL.txt', 'lpt1.tar.gz', 'console'], w)).toEqual(['_con', '_NUL.txt', '_lpt1.tar.gz', 'console']);
    expect(sanitizePath(['a<b>c:d"e|f?g*h', 'trail. . '], w)).toEqual(['a_b_c_d_e_f_g_h', 'trail']);
    expect(sanitizePath(['...'], w)).toEqual(['_']);
  });

  it('cuts long components and keeps the extension', () => {
    const long = `${'é'.repeat(300)}.mkv`;
    const [c] = sanitizePath([long]);
    expect(new TextEncoder().encode(c).length).toBeLessThanOrEqual(255);
    expect(c!.endsWith('.mkv')).toBe(true);
  });

  it('never leaves the root, for any components (fast-check)', () => {
    const part = fc.oneof(
      fc.constantFrom('..', '.', '', '/', '\\', 'C:', 'c:\\', '\\\\?\\', '//server/share', 'con', '\u0000', '..\\..', ' .'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.boolean(), (comps, windows) => {
        const safe = sanitizePath(comps, { windows });
        expect(safe.length).toBeGreaterThan(0);
        for (const c of safe) {
          expect(c).not.toMatch(/[/\\\u0000]/);
          expect(['', '.', '..']).not.toContain(c);
        }
        staysInside(safe);
      }),
      { numRuns: 300 },
    );
  });
});

describe('accept_but_sanitize_paths fixtures', () => {
  for (const name of libtorrentManifest().accept_but_sanitize_paths) {
    it(`keeps every path of ${name} inside the root`, () => {
      const t = parseTorrent(fixture(`libtorrent/${name}`));
      for (const f of t.files) {
        for (const windows of [false, true]) {
          staysInside(sanitizePath(f.path, { windows }));
          if (f.symlinkPath) staysInside(sanitizePath(f.symlinkPath, { windows }));
        }
      }
    });
  }
});
