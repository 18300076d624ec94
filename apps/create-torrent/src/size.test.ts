import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { formatBytes, parsePieceLength, parseSize } from './size.ts';

describe('parseSize', () => {
  it('reads binary units, bytes and mktorrent exponents', () => {
    expect(parseSize('256K')).toBe(262144);
    expect(parseSize('256k')).toBe(262144);
    expect(parseSize('256KiB')).toBe(262144);
    expect(parseSize('256KB')).toBe(262144);
    expect(parseSize('1M')).toBe(1048576);
    expect(parseSize('1MiB')).toBe(1048576);
    expect(parseSize('1.5M')).toBe(1572864);
    expect(parseSize('2G')).toBe(2 * 2 ** 30);
    expect(parseSize('262144')).toBe(262144);
    expect(parseSize('18')).toBe(262144);
    expect(parseSize('24')).toBe(16 * 2 ** 20);
    expect(parseSize(' 4 MB ')).toBe(4 * 2 ** 20);
  });

  it('rejects what is not a size, with a usage error', () => {
    for (const bad of ['', 'abc', '1X', '-1M', '1..5M', '0.3', 'K']) {
      let caught: unknown;
      try { parseSize(bad, 'piece length'); } catch (err) { caught = err; }
      expect(caught).toBeInstanceOf(CliError);
      expect((caught as CliError).exitCode).toBe(2);
      expect((caught as CliError).message).toContain('piece length');
    }
  });
});

describe('parsePieceLength', () => {
  it('accepts powers of two from 16K to 16M', () => {
    expect(parsePieceLength('16K')).toBe(16384);
    expect(parsePieceLength('16M')).toBe(16777216);
    expect(parsePieceLength('14')).toBe(16384);
  });

  it('rejects other lengths with CLI_BAD_PIECE_LENGTH', () => {
    for (const bad of ['8K', '32M', '300K', '100000', '1']) {
      let caught: unknown;
      try { parsePieceLength(bad); } catch (err) { caught = err; }
      expect((caught as CliError).code).toBe('CLI_BAD_PIECE_LENGTH');
      expect((caught as CliError).message).toContain(`'${bad}'`);
    }
  });
});

describe('formatBytes', () => {
  it('uses binary units with at most three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(262144)).toBe('256 KiB');
    expect(formatBytes(2 ** 30)).toBe('1 GiB');
    expect(formatBytes(15.5 * 2 ** 20)).toBe('15.5 MiB');
    expect(formatBytes(123.4 * 2 ** 20)).toBe('123 MiB');
  });
});
