import { chmodSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { checkOutputDirectory, checkWritable, writeFileAtomic } from './write-file.ts';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function cliError(fn: () => void): CliError {
  try { fn(); } catch (err) { if (err instanceof CliError) return err; throw err; }
  throw new Error('no error');
}

function linkFails(code: string): (a: string, b: string) => void {
  return () => { throw Object.assign(new Error(`${code}: link`), { code }); };
}

describe('writeFileAtomic', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ct-write-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('writes the bytes and leaves no temp file', () => {
    const path = join(dir, 'a.torrent');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]), false);
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['a.torrent']);
  });

  it('never replaces an existing file without force, and cleans up', () => {
    const path = join(dir, 'a.torrent');
    writeFileSync(path, 'old');
    expect(() => checkWritable(path, false)).toThrow(CliError);
    let caught: unknown;
    try { writeFileAtomic(path, new Uint8Array([9]), false); } catch (err) { caught = err; }
    expect((caught as CliError).code).toBe('CLI_OUTPUT_EXISTS');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.torrent']);
  });

  it('replaces an existing file with force', () => {
    const path = join(dir, 'a.torrent');
    writeFileSync(path, 'old');
    checkWritable(path, true);
    writeFileAtomic(path, new Uint8Array([7]), true);
    expect([...readFileSync(path)]).toEqual([7]);
    expect(readdirSync(dir)).toEqual(['a.torrent']);
  });

  it('fails cleanly when the directory does not exist', () => {
    expect(() => writeFileAtomic(join(dir, 'nope', 'a.torrent'), new Uint8Array([1]), false)).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a name at the filesystem limit: the temporary name is short', () => {
    const path = join(dir, `${'n'.repeat(247)}.torrent`); // 255 bytes
    checkWritable(path, false);
    writeFileAtomic(path, new Uint8Array([5]), false);
    expect(readdirSync(dir)).toEqual([`${'n'.repeat(247)}.torrent`]);
  });

  it('reports a name too long for the filesystem before anything is written', () => {
    const path = join(dir, `${'\u00e9'.repeat(124)}.torrent`); // 256 bytes in UTF-8
    const err = cliError(() => checkWritable(path, false));
    expect(err.code).toBe('CLI_WRITE_FAILED');
    expect(err.message).toBe(`cannot write ${path}: file name too long for this file system`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('checks the output directory: missing, a file, or not writable', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(cliError(() => checkWritable(join(dir, 'no', 'a.torrent'), false)).message).toBe(`cannot write ${join(dir, 'no', 'a.torrent')}: no such directory ${join(dir, 'no')}`);
    expect(cliError(() => checkWritable(join(dir, 'file', 'a.torrent'), false)).message).toContain('is not a directory');
    expect(cliError(() => checkOutputDirectory(join(dir, 'newdir/'), 'newdir/')).message).toBe('cannot write to newdir/: no such directory');
    expect(cliError(() => checkOutputDirectory(join(dir, 'file'), 'file/')).message).toBe('cannot write to file/: not a directory');
    mkdirSync(join(dir, 'sub'));
    expect(cliError(() => checkWritable(join(dir, 'sub'), true)).message).toContain('it is a directory');
    if (!isRoot) {
      mkdirSync(join(dir, 'ro'));
      chmodSync(join(dir, 'ro'), 0o555);
      expect(cliError(() => checkWritable(join(dir, 'ro', 'a.torrent'), false)).message).toBe(`cannot write ${join(dir, 'ro', 'a.torrent')}: permission denied`);
      chmodSync(join(dir, 'ro'), 0o755);
    }
    expect(readdirSync(dir).sort()).toEqual(['file', 'ro', 'sub'].filter((n) => n !== 'ro' || !isRoot));
  });

  it('falls back to rename only where hard links are unsupported; other link errors fail cleanly', () => {
    for (const code of ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']) {
      const path = join(dir, `${code}.torrent`);
      writeFileAtomic(path, new Uint8Array([1]), false, linkFails(code));
      expect([...readFileSync(path)], code).toEqual([1]);
    }
    for (const code of ['EIO', 'ENOSPC', 'EACCES', 'EROFS']) {
      const err = cliError(() => writeFileAtomic(join(dir, 'x.torrent'), new Uint8Array([1]), false, linkFails(code)));
      expect(err.code, code).toBe('CLI_WRITE_FAILED');
      expect(err.message, code).toMatch(new RegExp(`^cannot write ${join(dir, 'x.torrent').replace(/[.\\]/g, '\\$&')}: `));
    }
    // The link "succeeds" but the real one is made: no temp file is left in either case.
    writeFileAtomic(join(dir, 'ok.torrent'), new Uint8Array([2]), false, linkSync);
    expect(readdirSync(dir).sort()).toEqual(['EMLINK.torrent', 'ENOSYS.torrent', 'ENOTSUP.torrent', 'EOPNOTSUPP.torrent', 'EPERM.torrent', 'EXDEV.torrent', 'ok.torrent']);
  });

  it('never replaces a file that appeared, even on the rename fallback', () => {
    const path = join(dir, 'a.torrent');
    writeFileSync(path, 'old');
    expect(cliError(() => writeFileAtomic(path, new Uint8Array([1]), false, linkFails('EXDEV'))).code).toBe('CLI_OUTPUT_EXISTS');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.torrent']);
  });
});
