// A reader that closes the pipe early (`create-torrent show big.torrent | head -1`) ends the CLI
// quietly with status 141, as SIGPIPE would end a C program: no stack trace on stderr. The test closes
// the read end before the CLI writes anything, so every write it makes meets a closed pipe.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir, writeTree } from './testing/fixtures.ts';
import { cliCommand, runCli } from './testing/run-cli.ts';

const T = 60_000;

describe('closed stdout', () => {
  let dir = '';
  let cleanup = (): void => {};
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    const tree: Record<string, string> = {};
    for (let i = 0; i < 300; i++) tree[`many/sub/file-${i}.bin`] = `${i}`;
    writeTree(dir, tree);
    const r = await runCli([join(dir, 'many'), '-o', join(dir, 'many.torrent'), '-q']);
    expect(r.code, r.stderr).toBe(0);
  }, T);
  afterAll(() => cleanup());

  it('show into a closed pipe exits 141 without a stack trace', async () => {
    const [cmd, ...pre] = cliCommand();
    const child = spawn(cmd!, [...pre, 'show', join(dir, 'many.torrent')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Uint8Array) => { stderr += new TextDecoder().decode(c); });
    child.stdout!.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  }, T);
});
