import { posix, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTorrent } from './parse/parse-torrent.ts';
import { isSafeComponent, sanitizeComponent, sanitizePath } from './sanitize.ts';
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

describe('isSafeComponent', () => {
  it('accepts names that are legal as they are on POSIX', () => {
    for (const c of ['a', 'back\\slash', 'tab\tname', 'C:', 'con.txt', 'bad\udcffbyte', 'trailing. ', '\u202eexe.avi', 'x'.repeat(255)]) {
      expect(isSafeComponent(c), JSON.stringify(c)).toBe(true);
    }
  });

  it('refuses what is not one name or could leave the directory', () => {
    for (const c of ['', '.', '..', 'a/b', '/', 'a\u0000b', 'lone\ud800', 'lone\udc10', 'x'.repeat(256), 'é'.repeat(128)]) {
      expect(isSafeComponent(c), JSON.stringify(c)).toBe(false);
    }
  });

  it('applies the Windows rules with windows: true', () => {
    for (const c of ['back\\slash', 'tab\tname', 'C:', 'a:b', 'con.txt', 'LPT1', 'trailing.', 'trailing ', 'bad\udcffbyte', 'a?b']) {
      expect(isSafeComponent(c, { windows: true }), JSON.stringify(c)).toBe(false);
    }
    expect(isSafeComponent('normal name.txt', { windows: true })).toBe(true);
  });

  it('a path of safe components stays inside the directory it is joined to', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { minLength: 1, maxLength: 4 }), (components) => {
      if (components.every((c) => isSafeComponent(c))) {
        const p = posix.resolve(ROOTS.posix, ...components);
        expect(p.startsWith(ROOTS.posix + '/'), p).toBe(true);
      }
      if (components.every((c) => isSafeComponent(c, { windows: true }))) staysInside(components);
    }), { numRuns: 500 });
  });

  it('leaves sanitizePath as strict as it was (it names the files downloads create)', () => {
    expect(sanitizePath(['back\\slash', 'tab\tname', 'bad\udcffbyte'])).toEqual(['back_slash', 'tab_name', 'bad_byte']);
  });
});

