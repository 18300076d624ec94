import { describe, expect, it } from 'vitest';
import { printable, printableLines } from './printable.ts';
import { formatCreationDate } from './summary.ts';

describe('printable', () => {
  it('escapes C0 controls, DEL and C1 controls, and nothing else', () => {
    expect(printable('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(printable('\x1b]0;title\x07\x1b[2J')).toBe('\\x1b]0;title\\x07\\x1b[2J');
    expect(printable('\x00\x7f\x80\x85\x9b\x9f')).toBe('\\x00\\x7f\\x80\\x85\\x9b\\x9f');
    // bidi overrides and separators reorder or break the shown text
    expect(printable('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(printable('a\u2028b\u2029c\u200e\u2066d\u2069')).toBe('a\\u2028b\\u2029c\\u200e\\u2066d\\u2069');
    expect(printable('日本語 ünï 💩')).toBe('日本語 ünï 💩');
    const plain = 'caf\u00e9 \u00a0 \u65e5\u672c back\\slash \u{1f600} ~!';
    expect(printable(plain)).toBe(plain);
  });

  it('is idempotent: escaped text holds no control characters', () => {
    const once = printable('x\x1b\ny\x9b');
    expect(printable(once)).toBe(once);
    expect(/[\u0000-\u001f\u007f-\u009f]/.test(once)).toBe(false);
  });

  it('printableLines escapes each line written but keeps its final newline', () => {
    const out: Array<string | Uint8Array> = [];
    const w = printableLines({ write: (t) => out.push(t), isTTY: true, columns: 99 });
    w.write('bad file: a\nb\x1b[31m\n');
    w.write('no newline\r');
    const bytes = new Uint8Array([10, 27]);
    w.write(bytes);
    expect(out).toEqual(['bad file: a\\nb\\x1b[31m\n', 'no newline\\r', bytes]);
    expect(w.isTTY).toBe(true);
    expect(w.columns).toBe(99);
  });
});

describe('formatCreationDate', () => {
  it('gives ISO 8601 in range and the raw number outside Date\'s range', () => {
    expect(formatCreationDate(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatCreationDate(-86400)).toBe('1969-12-31T00:00:00.000Z');
    expect(formatCreationDate(99999999999999)).toMatch(/^99999999999999 \(/);
    expect(formatCreationDate(-99999999999999)).toMatch(/^-99999999999999 \(/);
  });
});
