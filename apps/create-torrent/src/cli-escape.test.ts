// Human-readable output never hands a name, comment, path or URL's control characters to the
// terminal (they are escaped: \n, \t, \x1b...), while --json keeps them exact. Also: show prints a
// creation date Date cannot hold as the raw number instead of crashing.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { runCli } from './testing/run-cli.ts';

const T = 60_000;
/** Raw control characters other than the newlines that end lines. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const EVIL = 'evil\x1b]0;pwned\x07\nFAKE: ok\x9b2J';
const EVIL_SHOWN = 'evil\\x1b]0;pwned\\x07\\nFAKE: ok\\x9b2J';

/** A single-file v1 torrent of the two bytes `hi`, with `top` (already bencoded) before `info`. */
function handMade(top: string, name = 'q'): Uint8Array {
  const enc = new TextEncoder();
  const n = enc.encode(name);
  const piece = createHash('sha1').update('hi').digest();
  const parts = [enc.encode(`d${top}4:infod6:lengthi2e4:name${n.length}:`), n, enc.encode('12:piece lengthi16384e6:pieces20:'), piece, enc.encode('ee')];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

describe('terminal-safe output', () => {
  let dir = '';
  let cleanup = (): void => {};
  beforeAll(() => { ({ dir, cleanup } = tempDir()); });
  afterAll(() => cleanup());

  it('create and show escape control characters in names, paths and comments; --json is exact', async () => {
    const data = writeTree(join(dir, 'tree'), { [`a\tb/${EVIL}`]: 'x', 'plain.bin': 'y' });
    const out = join(dir, 'tree.torrent');
    const made = await runCli([data, '-o', out, '-n', EVIL, '-c', 'see\r\x1b[2Jcomment', '--no-date']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).not.toMatch(RAW_CONTROL);
    expect(made.stdout).toMatch(new RegExp(`^name\\s+${EVIL_SHOWN.replace(/[\\[\]]/g, '\\$&')}$`, 'm'));
    const shown = await runCli(['show', out]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toMatch(RAW_CONTROL);
    const lines = shown.stdout.split('\n');
    expect(lines).toContain(`  1  ${EVIL_SHOWN}/a\\tb/${EVIL_SHOWN}`);
    expect(shown.stdout).toMatch(/^comment\s+see\\r\\x1b\[2Jcomment$/m);
    expect(lines.some((l) => l.startsWith('FAKE'))).toBe(false);
    const json = await runCli(['show', '--json', out]);
    const j = JSON.parse(json.stdout) as { name: string; comment: string; files: Array<{ path: string }> };
    expect(j.name).toBe(EVIL);
    expect(j.comment).toBe('see\r\x1b[2Jcomment');
    expect(j.files.map((f) => f.path)).toContain(`${EVIL}/a\tb/${EVIL}`);
  }, T);

  it('verify escapes the names it prints; --json is exact', async () => {
    const file = join(dir, 'evil-data');
    writeFileSync(file, 'hi');
    const torrent = join(dir, 'evil.torrent');
    writeFileSync(torrent, handMade('', EVIL));
    const ok = await runCli(['verify', torrent, file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`ok: all 1 pieces of ${EVIL_SHOWN} match\n`);
    writeFileSync(file, 'ho');
    const bad = await runCli(['verify', torrent, file]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).not.toMatch(RAW_CONTROL);
    expect(bad.stdout).toBe(`FAILED: 1 of 1 pieces of ${EVIL_SHOWN} do not match\nbad pieces: 0\nbad file: ${EVIL_SHOWN}\n`);
    const json = await runCli(['verify', torrent, file, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, name: EVIL, badFiles: [EVIL] });
  }, T);

  it('error messages escape the paths they name', async () => {
    const r = await runCli(['show', join(dir, 'no\x1b[2Jsuch\n.torrent')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`create-torrent: cannot read ${join(dir, 'no\\x1b[2Jsuch\\n.torrent')}: no such file\n`);
    const j = await runCli(['show', '--json', join(dir, 'no\x1b.torrent')]);
    expect((JSON.parse(j.stdout) as { error: { message: string } }).error.message).toContain('no\x1b.torrent');
  }, T);

  it('show prints a creation date out of Date\'s range as the number', async () => {
    for (const date of ['99999999999999', '-99999999999999']) {
      const path = join(dir, `date${date}.torrent`);
      writeFileSync(path, handMade(`13:creation datei${date}e`));
      const r = await runCli(['show', path]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // The parser may keep or drop a negative date; whichever it keeps is printed, never a crash.
      if (date.startsWith('9') || /^created/m.test(r.stdout)) expect(r.stdout).toMatch(new RegExp(`^created\\s+${date} \\(`, 'm'));
      const j = await runCli(['show', '--json', path]);
      expect(j.code).toBe(0);
      expect([Number(date), null]).toContain((JSON.parse(j.stdout) as { creationDate: number | null }).creationDate);
    }
  }, T);
});
