import { describe, expect, it } from 'vitest';
import { parseCommandLine, type CreateArgs } from './args.ts';
import { CliError } from './errors.ts';
import { MAIN_HELP } from './help.ts';

function create(...argv: string[]): CreateArgs {
  const a = parseCommandLine(argv);
  if (a.command !== 'create') throw new Error(`expected create, got ${a.command}`);
  return a;
}

function usage(argv: string[]): CliError {
  try { parseCommandLine(argv); } catch (err) { if (err instanceof CliError) return err; throw err; }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseCommandLine: create', () => {
  it('has defaults that make a dated v1 torrent with created by', () => {
    const a = create('data');
    expect(a).toMatchObject({
      path: 'data', version: 'v1', trackers: [], webSeeds: [], private: false, date: true, createdBy: true,
      includeHidden: false, followSymlinks: false, json: false, force: false, quiet: false,
    });
    expect(a.pieceLength).toBeUndefined();
    expect(a.output).toBeUndefined();
  });

  it('reads every option, long and short', () => {
    const a = create('create', 'd', '-o', 'x.torrent', '-a', 'http://t/announce', '-w', 'https://ws/', '-p', '-l', '1M',
      '--max-piece-length', '4M', '--hybrid', '-c', 'hi', '-s', 'SRC', '-n', 'nm', '--exclude', '*.tmp', '--exclude', 'a/**',
      '--include-hidden', '--follow-symlinks', '--no-date', '--no-created-by', '--json', '-f', '-q', '-t', '3');
    expect(a).toMatchObject({
      path: 'd', output: 'x.torrent', trackers: [['http://t/announce']], webSeeds: ['https://ws/'], private: true,
      pieceLength: 1048576, maxPieceLength: 4194304, version: 'hybrid', comment: 'hi', source: 'SRC', name: 'nm',
      exclude: ['*.tmp', 'a/**'], includeHidden: true, followSymlinks: true, date: false, createdBy: false,
      json: true, force: true, quiet: true, threads: 3,
    });
    expect(create('d', '--output=y', '--piece-length=256K', '--v2').version).toBe('v2');
    expect(create('d', '--v1').version).toBe('v1');
  });

  it('turns -a, commas and --tier into BEP 12 tiers in command-line order', () => {
    const a = create('d', '-a', 'http://a/announce', '--tier', 'udp://b:1,udp://c:2', '-a', 'http://d/announce,http://e/announce');
    expect(a.trackers).toEqual([['http://a/announce'], ['udp://b:1', 'udp://c:2'], ['http://d/announce', 'http://e/announce']]);
  });

  it('splits -a on commas only when every part is a tracker URL', () => {
    expect(create('d', '-a', 'http://t/ann?k=1,2').trackers).toEqual([['http://t/ann?k=1,2']]);
    expect(create('d', '-a', 'https://t/a?x=1,2,3&y=4', '-a', 'udp://u:1,wss://w/').trackers)
      .toEqual([['https://t/a?x=1,2,3&y=4'], ['udp://u:1', 'wss://w/']]);
    expect(create('d', '-a', 'http://a/ , ws://b/,').trackers).toEqual([['http://a/', 'ws://b/']]);
    // A part that is no tracker URL makes the whole argument one URL, checked as such.
    expect(usage(['d', '-a', 'http://a/, nonsense']).message).toBe("--announce: not a URL: 'http://a/, nonsense'");
    expect(usage(['d', '--tier', 'ftp://a/,ftp://b/']).message).toContain("unsupported scheme in 'ftp://a/,ftp://b/'");
  });

  it('rejects bad values as usage errors (exit 2)', () => {
    const cases: Array<[string[], string]> = [
      [[], 'missing PATH'],
      [['create'], 'missing PATH'],
      [['a', 'b'], 'expected one PATH'],
      [['d', '--v2', '--hybrid'], 'choose one of'],
      [['d', '-l', '300K'], 'piece length'],
      [['d', '-l', 'big'], 'piece length'],
      [['d', '--max-piece-length', '32M'], 'max piece length'],
      [['d', '-l', '4M', '--max-piece-length', '1M'], 'larger than'],
      [['d', '-a', 'not a url'], 'not a URL'],
      [['d', '-a', 'ftp://x/'], 'unsupported scheme'],
      [['d', '-a', ','], 'empty tracker'],
      [['d', '-w', 'udp://x/'], 'unsupported scheme'],
      [['d', '-t', '0'], '--threads'],
      [['d', '-t', 'many'], '--threads'],
      [['d', '-n', 'a/b'], '--name'],
      [['d', '--exclude', ''], 'empty pattern'],
      [['d', '--bogus'], 'bogus'],
      [['d', '-o'], 'output'],
    ];
    for (const [argv, text] of cases) {
      const err = usage(argv);
      expect(err.exitCode, argv.join(' ')).toBe(2);
      expect(err.message, argv.join(' ')).toContain(text);
      expect(err.message.includes('\n'), argv.join(' ')).toBe(false);
    }
  });
});

describe('parseCommandLine: other commands', () => {
  it('parses show, verify, magnet, help and version', () => {
    expect(parseCommandLine(['show', 'x.torrent'])).toEqual({ command: 'show', torrent: 'x.torrent', json: false });
    expect(parseCommandLine(['show', '--json', 'x.torrent'])).toEqual({ command: 'show', torrent: 'x.torrent', json: true });
    expect(parseCommandLine(['verify', 'x.torrent', 'data', '-t', '2'])).toMatchObject({ command: 'verify', torrent: 'x.torrent', path: 'data', threads: 2 });
    expect(parseCommandLine(['magnet', 'x.torrent'])).toEqual({ command: 'magnet', torrent: 'x.torrent' });
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['d', '-h'])).toEqual({ command: 'help', topic: 'create' });
    expect(parseCommandLine(['help', 'verify'])).toEqual({ command: 'help', topic: 'verify' });
    expect(parseCommandLine(['--version'])).toEqual({ command: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ command: 'version' });
  });

  it('rejects wrong argument counts', () => {
    expect(usage(['show']).message).toContain('show');
    expect(usage(['verify', 'x.torrent']).message).toContain('verify');
    expect(usage(['magnet', 'a', 'b']).message).toContain('magnet');
  });
});

describe('help', () => {
  it('documents every create option', () => {
    const options = ['--output', '--announce', '--tier', '--web-seed', '--private', '--piece-length', '--max-piece-length',
      '--v1', '--v2', '--hybrid', '--comment', '--source', '--name', '--exclude', '--include-hidden', '--follow-symlinks',
      '--no-date', '--no-created-by', '--json', '--force', '--quiet', '--threads', '--help', '--version'];
    for (const o of options) expect(MAIN_HELP, o).toContain(o);
    for (const c of ['show', 'verify', 'magnet']) expect(MAIN_HELP).toContain(`create-torrent ${c}`);
  });
});
