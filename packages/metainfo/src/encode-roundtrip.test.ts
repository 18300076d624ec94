// Property tests of the writer against the parser: a canonical torrent the parser accepts is written
// back byte for byte, and an info dict rebuilt from the parsed fields (and the original info keys)
// keeps its info hash. Runs are bounded in count.
import { encode } from '@torrentkit/bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTorrent } from './encode.ts';
import { parseTorrent } from './parse/parse-torrent.ts';
import { fixture } from './test-fixtures.ts';
import type { ParsedTorrent } from './types.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const latin = (s: string): string => Array.from(s, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');
const shown = (b: Uint8Array): string => latin(String.fromCharCode(...b));

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Rebuild the info dict from the parsed fields and the original info keys (no infoBytes). */
function rebuilt(t: ParsedTorrent): ParsedTorrent {
  const { infoBytes: _i, ...rest } = t;
  return parseTorrent(encodeTorrent(rest));
}

// Byte strings: ASCII, UTF-8 text, and bytes that are not UTF-8.
const bytes = fc.oneof(
  fc.string({ maxLength: 12 }).map(text),
  fc.uint8Array({ maxLength: 12 }),
  fc.constantFrom(text(''), text(' '), Uint8Array.of(0xff, 0xfe), Uint8Array.of(0xc3)),
);
// Any bencoded integer: small, negative, at and past 2^53.
const integer = fc.oneof(
  fc.integer({ min: -5, max: 2_000_000_000 }),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
  fc.constantFrom(-1, 0, Number.MAX_SAFE_INTEGER, 2n ** 53n, 99999999999999999999n),
);
const component = fc.stringMatching(/^[a-z]{1,3}$/);

// A v1 file entry: data, or a BEP 47 symlink with its length written, written as something else,
// or left out.
const fileEntry = fc.oneof(
  fc.record({ length: fc.integer({ min: 0, max: 40000 }), path: fc.array(component, { minLength: 1, maxLength: 2 }) }),
  fc.record(
    {
      attr: fc.constantFrom('l', 'xl', 'lh'),
      length: fc.integer({ min: 0, max: 500 }),
      path: fc.array(component, { minLength: 1, maxLength: 2 }),
      'symlink path': fc.array(component, { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ['attr', 'path', 'symlink path'] },
  ),
);

const info = fc.oneof(
  fc.record({ name: component, length: fc.integer({ min: 1, max: 40000 }) }),
  fc.record({ name: component, files: fc.uniqueArray(fileEntry, { minLength: 1, maxLength: 5, selector: (f) => f.path.join('/') }) }),
);

const top = fc.record(
  {
    announce: bytes,
    'announce-list': fc.oneof(fc.array(fc.array(bytes, { maxLength: 2 }), { maxLength: 2 }), bytes, integer),
    'url-list': fc.oneof(bytes, fc.array(bytes, { maxLength: 2 }), integer),
    comment: fc.oneof(bytes, integer),
    'comment.utf-8': bytes,
    'created by': fc.oneof(bytes, integer),
    'creation date': fc.oneof(integer, bytes),
    zzz: fc.oneof(bytes, integer),
  },
  { requiredKeys: [] },
);

/** A canonical torrent from the parts, or undefined when the files hold no data. */
function torrentOf(i: Record<string, unknown>, t: Record<string, unknown>): Uint8Array | undefined {
  const files = (i['files'] as Array<Record<string, unknown>> | undefined) ?? [i];
  const total = files.reduce((n, f) => n + (String(f['attr'] ?? '').includes('l') ? 0 : Number(f['length'] ?? 0)), 0);
  if (total === 0) return undefined;
  const pieceLength = 16384;
  const pieces = new Uint8Array(20 * Math.ceil(total / pieceLength)).fill(0x61);
  return encode({ ...t, info: { ...i, 'piece length': pieceLength, pieces } });
}

describe('encodeTorrent(parseTorrent(b))', () => {
  it('is b for generated canonical torrents', () => {
    fc.assert(
      fc.property(info, top, (i, t) => {
        const b = torrentOf(i, t);
        if (b === undefined) return;
        const out = encodeTorrent(parseTorrent(b));
        if (!sameBytes(out, b)) expect(shown(out)).toBe(shown(b));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the info hash when the info dict is rebuilt from the parsed fields', () => {
    fc.assert(
      fc.property(info, (i) => {
        const b = torrentOf(i, {});
        if (b === undefined) return;
        const t = parseTorrent(b);
        expect(rebuilt(t).infoHash).toBe(t.infoHash);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a creation date the typed field cannot hold', () => {
    for (const date of ['i-5e', 'i99999999999999999999e']) {
      const b = text(`d13:creation date${date}4:infod6:lengthi5e4:name1:a12:piece lengthi16384e6:pieces20:${'x'.repeat(20)}ee`);
      const t = parseTorrent(b);
      expect(t.creationDate).toBeUndefined();
      expect(shown(encodeTorrent(t))).toBe(shown(b));
      // null removes it; undefined keeps it, since the parser gives undefined for this date too.
      expect(shown(encodeTorrent({ ...t, creationDate: null }))).not.toContain('creation date');
      expect(shown(encodeTorrent({ ...t, creationDate: undefined }))).toBe(shown(b));
      expect(parseTorrent(encodeTorrent({ ...t, creationDate: 1700000000 })).creationDate).toBe(1700000000);
    }
  });

  it('does not add `comment` to a torrent that only has comment.utf-8', () => {
    const b = text(`d13:comment.utf-83:abc4:infod6:lengthi5e4:name1:a12:piece lengthi16384e6:pieces20:${'x'.repeat(20)}ee`);
    const t = parseTorrent(b);
    expect(t.comment).toBe('abc');
    expect(shown(encodeTorrent(t))).toBe(shown(b));
  });

  it('rebuilds BEP 47 symlink entries with the length they had (or none)', () => {
    for (const name of ['symlink_zero_size', 'symlink1', 'symlink2', 'v2_symlinks', 'overlapping_symlinks']) {
      const t = parseTorrent(fixture(`libtorrent/${name}.torrent`));
      const again = rebuilt(t);
      expect([name, again.infoHash, again.infoHashV2]).toEqual([name, t.infoHash, t.infoHashV2]);
    }
  });
});
