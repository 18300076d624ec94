import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { checkWritable, writeFileAtomic } from './write-file.ts';

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
});
