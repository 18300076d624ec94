// Runs the example at the top of README.md. The code inside the test body is copied verbatim from
// the README's first ```ts block (keep the two in sync); `console` is a local stand-in that records
// what the example prints, so its results can be checked.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, encode, rawOf, BencodeError } from '@torrentkit/bencode';

/** The `index`th ```ts block of this package's README, and this file's text, as trimmed non-empty lines. */
function readmeBlock(index: number): { block: string[]; here: string[] } {
  const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return { block: lines(blocks[index]!), here: lines(readFileSync(new URL(import.meta.url), 'utf8')) };
}

/** Fails when the README's example and the copy in this file have drifted apart. */
function expectInSync(index: number): void {
  const { block, here } = readmeBlock(index);
  const imports = block.filter((l) => l.startsWith('import '));
  const body = block.filter((l) => !l.startsWith('import '));
  for (const l of imports) expect(here).toContain(l);
  const start = here.indexOf(body[0]!);
  expect(start, 'first line of the README example not found in this test').toBeGreaterThanOrEqual(0);
  expect(here.slice(start, start + body.length)).toEqual(body);
}

describe('README', () => {
  it('top example: encode, decode with spans, rawOf, BencodeError', () => {
    const logged: unknown[][] = [];
    const console = { log: (...args: unknown[]) => void logged.push(args) };

    // ---- README.md, first example (verbatim, imports above) ----
    const bytes = encode({ announce: 'http://127.0.0.1:8000/announce', info: { name: 'x', length: 5 } });
    // keys sorted by raw bytes: d8:announce30:http://...4:infod6:lengthi5e4:name1:xee

    const torrent = decode(bytes, { spans: true }) as any;
    torrent.info.length;          // 5 (a number; integers beyond 2^53 come back as bigint, never rounded)
    torrent.announce;             // Uint8Array view into `bytes`
    rawOf(torrent.info);          // the original bytes of the info dict: hash these for the info hash

    try {
      decode(new TextEncoder().encode('i03e'));
    } catch (err) {
      if (err instanceof BencodeError) console.log(err.code, err.offset); // BENCODE_LEADING_ZERO 1
    }
    // ---- end of example ----

    const text = (b: Uint8Array): string => new TextDecoder().decode(b);
    expect(text(bytes)).toBe('d8:announce30:http://127.0.0.1:8000/announce4:infod6:lengthi5e4:name1:xee');
    expect(torrent.info.length).toBe(5);
    expect(torrent.announce).toBeInstanceOf(Uint8Array);
    expect(torrent.announce.buffer).toBe(bytes.buffer); // a view, not a copy
    expect(text(torrent.announce)).toBe('http://127.0.0.1:8000/announce');
    expect(text(rawOf(torrent.info)!)).toBe('d6:lengthi5e4:name1:xe');
    expect(logged).toEqual([['BENCODE_LEADING_ZERO', 1]]);
  });

  it('the copy above is the README example', () => expectInSync(0));

  it('integers beyond 2^53 come back as bigint, never rounded', () => {
    expect(decode(new TextEncoder().encode('i9007199254740993e'))).toBe(9007199254740993n);
  });

  it('API section: decode takes views, ArrayBuffers and strings; anything else is BENCODE_INVALID_INPUT', () => {
    const bytes = new TextEncoder().encode('l1:ae');
    expect(decode(bytes.buffer)).toEqual([new TextEncoder().encode('a')]);
    expect(decode(new DataView(bytes.buffer))).toEqual([new TextEncoder().encode('a')]);
    expect(decode('l1:ae')).toEqual([new TextEncoder().encode('a')]);
    expect(() => decode(5 as never)).toThrow(expect.objectContaining({ code: 'BENCODE_INVALID_INPUT' }));
  });

  it('Errors section: encode errors carry offset -1; cycles are BENCODE_UNSUPPORTED_TYPE', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    for (const [value, code] of [[1.5, 'BENCODE_NOT_INTEGER'], [null, 'BENCODE_UNSUPPORTED_TYPE'], [cyclic, 'BENCODE_UNSUPPORTED_TYPE']] as const) {
      expect(() => encode(value as never)).toThrow(expect.objectContaining({ name: 'BencodeError', code, offset: -1 }));
    }
  });
});
