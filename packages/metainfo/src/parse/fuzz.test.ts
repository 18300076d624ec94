// Property tests: whatever the bytes, parseTorrent returns a torrent or throws MetainfoError,
// never anything else, and never hangs. Runs are bounded in count.
import { encode } from '@torrentkit/bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetainfoError } from '../errors.ts';
import { fixture } from '../test-fixtures.ts';
import { parseTorrent } from './parse-torrent.ts';

function total(bytes: Uint8Array): void {
  try {
    const t = parseTorrent(bytes);
    expect(t.files.length).toBeGreaterThan(0);
    expect(t.pieceCount).toBeGreaterThan(0);
  } catch (err) {
    if (!(err instanceof MetainfoError)) throw err;
    expect(typeof err.code).toBe('string');
  }
}

const seeds = [
  'libtorrent/sample.torrent',
  'libtorrent/v2_multiple_files.torrent',
  'libtorrent/v2_hybrid.torrent',
  'libtorrent/pad_file.torrent',
  'libtorrent/symlink1.torrent',
  'libtorrent/url_seed_multi.torrent',
].map((n) => fixture(n));

// Small pieces of bencoding that hit the torrent parser's branches, to build plausible torrents.
const token = fc.constantFrom(
  'd', 'l', 'e', 'i0e', 'i-1e', 'i16384e', 'i2e', 'i99999999999999999999e', '0:', '1:a', '2:..',
  '4:info', '4:name', '6:length', '12:piece length', '6:pieces', '5:files', '4:path', '9:file tree',
  '12:meta version', '11:pieces root', '4:attr', '1:p', '1:l', '12:symlink path', '12:piece layers',
  '20:aaaaaaaaaaaaaaaaaaaa', '32:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '13:announce-list', '8:url-list',
);

describe('parseTorrent fuzz', () => {
  it('survives random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (b) => total(b)), { numRuns: 500 });
  });

  it('survives token soup', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (ts) => total(enc.encode(`d4:infod${ts.join('')}`))),
      { numRuns: 1000 },
    );
  });

  it('survives mutated real torrents (byte flips, cuts, insertions)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 8 }),
        (which, edits) => {
          let b = Uint8Array.from(seeds[which]!);
          for (const [pos, value, kind] of edits) {
            const p = pos % (b.length + 1);
            if (kind === 0 && p < b.length) b[p] = value;
            else if (kind === 1) b = b.slice(0, p);
            else {
              const next = new Uint8Array(b.length + 1);
              next.set(b.subarray(0, p));
              next[p] = value;
              next.set(b.subarray(p), p + 1);
              b = next;
            }
          }
          total(b);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('survives structurally valid torrents with random field values', () => {
    const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: -5, max: 1 << 20 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom('..', '', 'a', '/', 'p', 'l'),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('', 'a', 'length', 'path', 'attr', 'pieces root'), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    const info = fc.record(
      {
        name: fc.oneof(fc.constantFrom('t', '', '..'), anyValue),
        'piece length': fc.oneof(fc.constantFrom(16384, 32768, 0, -1), anyValue),
        pieces: fc.oneof(fc.uint8Array({ minLength: 20, maxLength: 20 }), anyValue),
        length: fc.oneof(fc.integer({ min: 0, max: 40000 }), anyValue),
        files: anyValue,
        'file tree': anyValue,
        'meta version': fc.constantFrom(1, 2, 3),
      },
      { requiredKeys: ['name'] },
    );
    fc.assert(
      fc.property(info, anyValue, (i, layers) => {
        let bytes: Uint8Array;
        try {
          bytes = encode({ info: i, 'piece layers': layers, announce: 'http://127.0.0.1/' });
        } catch {
          return; // not encodable (e.g. a key order the encoder refuses); nothing to parse
        }
        total(bytes);
      }),
      { numRuns: 600 },
    );
  });
});
