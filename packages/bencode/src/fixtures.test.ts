// Every torrent in ../shared/fixtures (libtorrent's and Transmission's conformance sets) decodes;
// canonical ones re-encode byte-identically, unordered ones decode leniently with exact raw spans.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, decodePrefix } from './decode.ts';
import { encode } from './encode.ts';
import { BencodeError } from './errors.ts';
import { rawOf } from './spans.ts';
import { equalBytes } from './test-helpers.ts';

const root = new URL('../../../../shared/fixtures/', import.meta.url);
const torrents = ['libtorrent', 'transmission'].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, root))
    .filter((f) => f.endsWith('.torrent'))
    .map((f) => ({ name: `${dir}/${f}`, bytes: new Uint8Array(readFileSync(new URL(`${dir}/${f}`, root))) })),
);

// Malformed at the bencoding level; each fails with this code (libtorrent rejects them too, or the
// duplicate key makes the file ambiguous).
const badBencoding: Record<string, string> = {
  'libtorrent/v2_deep_recursion.torrent': 'BENCODE_DEPTH_EXCEEDED',
  'libtorrent/v2_overlong_integer.torrent': 'BENCODE_LEADING_ZERO',
  'libtorrent/bad_name.torrent': 'BENCODE_DUPLICATE_KEY',
  'transmission/dup-pieces-key.torrent': 'BENCODE_DUPLICATE_KEY',
};

describe('conformance fixtures', () => {
  it('found the fixtures', () => {
    expect(torrents.length).toBeGreaterThan(100);
  });

  it('each decodes (leniently and ignoring trailing bytes where needed) or fails with the expected code', () => {
    let canonical = 0, lenient = 0;
    for (const { name, bytes } of torrents) {
      const expected = badBencoding[name];
      if (expected) {
        let code = '';
        try {
          decodePrefix(bytes, { strict: false });
        } catch (err) {
          code = err instanceof BencodeError ? err.code : String(err);
        }
        expect(code, name).toBe(expected);
        continue;
      }
      const { value, length } = decodePrefix(bytes, { strict: false, spans: true });
      // the root's raw span is exactly the bytes the value came from
      if (typeof value === 'object' && !(value instanceof Uint8Array)) expect(equalBytes(rawOf(value), bytes.subarray(0, length)), name).toBe(true);
      // real files sometimes carry a stray byte or two after the root dict (libtorrent ignores them)
      expect(bytes.length - length, name).toBeLessThan(3);
      let strictValue: unknown;
      try {
        strictValue = decode(bytes.subarray(0, length));
      } catch (err) {
        expect((err as BencodeError).code, name).toBe('BENCODE_UNSORTED_KEYS');
        lenient++;
        continue;
      }
      expect(equalBytes(encode(strictValue), bytes.subarray(0, length)), name).toBe(true);
      canonical++;
    }
    expect(canonical).toBeGreaterThan(90);
    expect(lenient).toBeGreaterThan(3);
  });

  it('the info dict of an unordered torrent keeps its original bytes', () => {
    const t = torrents.find((x) => x.name === 'transmission/unordered-info-dict.torrent')!;
    const v = decode(t.bytes, { strict: false, spans: true }) as Record<string, object>;
    const raw = rawOf(v.info!)!;
    expect(raw[0]).toBe(0x64);
    expect(equalBytes(encode(v.info), raw)).toBe(false); // a re-encoding would change the info hash
    expect(decode(raw, { strict: false })).toEqual(v.info);
  });
});
