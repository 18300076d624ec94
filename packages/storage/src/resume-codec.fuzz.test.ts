// The resume codec: every record it writes decodes again, and no input makes the decoder hang, crash,
// or throw anything but StorageError.
import { encode } from '@torrentkit/bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StorageError } from './errors.ts';
import type { ResumeRecord } from './resume.ts';
import { decodeResumeRecord, encodeResumeRecord } from './resume-codec.ts';

const onlyStorageErrors = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    expect(err.code).toBe('STORAGE_INVALID_LAYOUT');
  }
};
const runs = { numRuns: 300 };
const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0)); // latin1

const sample: ResumeRecord = {
  torrent: new Uint8Array(32).fill(7),
  pieceLength: 16384,
  pieceCount: 10,
  bitfield: Uint8Array.of(0xff, 0xc0),
  files: [{ size: 100_000, mtimeMs: 1_700_000_000_123.456 }, null, { size: 0, mtimeMs: -1500.25 }],
  recordedAtMs: 1_700_000_100_000,
};

// Times as a store may report them: whole microseconds (what a record keeps), before and after 1970,
// up to 2^41 ms (2039), below which a millisecond float still holds every microsecond exactly.
const time = fc.integer({ min: -(2 ** 41) * 1000, max: 2 ** 41 * 1000 }).map((us) => us / 1000);
// Any time in Date's range: a record keeps it, if less exactly (so resume may recheck such a file).
const anyTime = fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true });
const record = fc.record({
  torrent: fc.uint8Array({ maxLength: 40 }),
  pieceLength: fc.nat(),
  pieceCount: fc.nat(),
  bitfield: fc.uint8Array({ maxLength: 16 }),
  files: fc.array(fc.option(fc.record({ size: fc.maxSafeNat(), mtimeMs: time }), { nil: null }), { maxLength: 8 }),
  recordedAtMs: time,
});

describe('resume codec', () => {
  it('round-trips a record, pre-1970 mtimes included', () => {
    expect(decodeResumeRecord(encodeResumeRecord(sample))).toEqual(sample);
  });

  it('keeps times beyond the safe integers in microseconds to the millisecond', () => {
    const far = { ...sample, files: [{ size: 1, mtimeMs: 8e15 }], recordedAtMs: -8e15 };
    const back = decodeResumeRecord(encodeResumeRecord(far))!;
    expect(back.files[0]!.mtimeMs).toBe(8e15);
    expect(back.recordedAtMs).toBe(-8e15);
  });

  it('refuses to encode what it could not decode', () => {
    for (const bad of [
      { ...sample, files: [{ size: 1, mtimeMs: Number.NaN }] },
      { ...sample, files: [{ size: -1, mtimeMs: 0 }] },
      { ...sample, files: [{ size: 1.5, mtimeMs: 0 }] },
      { ...sample, recordedAtMs: Number.POSITIVE_INFINITY },
      { ...sample, pieceCount: 2 ** 60 },
    ]) {
      expect(() => encodeResumeRecord(bad)).toThrowError(expect.objectContaining({ code: 'STORAGE_INVALID_LAYOUT' }));
    }
  });

  it('decodes a record of another format version to undefined (resume then rechecks everything)', () => {
    const v1 = 'd8:bitfield1:\x805:filesle6:format19:torrentkit-resume-111:piece counti1e12:piece lengthi16384ee';
    expect(decodeResumeRecord(text(v1))).toBeUndefined();
    expect(decodeResumeRecord(text('d6:format20:torrentkit-resume-99e'))).toBeUndefined();
  });

  it('rejects resume bytes that are not a record', () => {
    for (const junk of [
      Uint8Array.of(1, 2, 3),
      new Uint8Array(0),
      text('d6:format3:xyze'),
      text('le'),
      text('d6:format19:torrentkit-resume-2e'),
      text('d6:format21:torrentkit-resume-2.0e'),
      text('d6:format19:torrentkit-resume-xe'),
    ]) {
      expect(() => decodeResumeRecord(junk)).toThrowError(expect.objectContaining({ code: 'STORAGE_INVALID_LAYOUT' }));
    }
    const good = encodeResumeRecord(sample);
    const mangled = String.fromCharCode(...good).replace('i100000e', '4:junk');
    expect(() => decodeResumeRecord(text(mangled))).toThrowError(StorageError);
  });

  it('fuzz: every record it encodes decodes to the same record', () => {
    fc.assert(fc.property(record, (r) => {
      expect(decodeResumeRecord(encodeResumeRecord(r))).toEqual(r);
    }), runs);
  });

  it('fuzz: every time in Date\'s range encodes and decodes to nearly the same time', () => {
    fc.assert(fc.property(anyTime, anyTime, (mtimeMs, recordedAtMs) => {
      const back = decodeResumeRecord(encodeResumeRecord({ ...sample, files: [{ size: 1, mtimeMs }], recordedAtMs }))!;
      for (const [was, is] of [[mtimeMs, back.files[0]!.mtimeMs], [recordedAtMs, back.recordedAtMs]] as const) {
        expect(Math.abs(was - is)).toBeLessThanOrEqual(Math.max(0.001, Math.abs(was) * 2 ** -50));
      }
    }), runs);
  });

  it('fuzz: random bytes only decode or throw StorageError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyStorageErrors(() => decodeResumeRecord(b))), { numRuns: 1000 });
  });

  it('fuzz: mutated records only decode or throw StorageError', () => {
    const base = encodeResumeRecord(sample);
    const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete'));
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.nat({ max: base.length }), (edits, cut) => {
      const bytes = [...base];
      for (const [at, value, op] of edits) {
        if (op === 'set') bytes[at % bytes.length] = value;
        else if (op === 'insert') bytes.splice(at % (bytes.length + 1), 0, value);
        else bytes.splice(at % bytes.length, 1);
      }
      onlyStorageErrors(() => decodeResumeRecord(Uint8Array.from(bytes)));
      onlyStorageErrors(() => decodeResumeRecord(base.subarray(0, cut)));
    }), { numRuns: 1000 });
  });

  it('fuzz: well-formed bencode with the right format and odd fields only decodes or throws StorageError', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.uint8Array({ maxLength: 8 }),
        fc.array(tie('v'), { maxLength: 3 }),
      ),
    })).v;
    const valid = {
      format: 'torrentkit-resume-2',
      torrent: new Uint8Array(32),
      'piece length': 16384,
      'piece count': 3,
      bitfield: Uint8Array.of(0xe0),
      'recorded at': 5,
      files: [[10, -3], []],
    };
    const field = fc.constantFrom(...Object.keys(valid).filter((k) => k !== 'format'), 'other');
    fc.assert(fc.property(fc.dictionary(field, value, { maxKeys: 3 }), fc.subarray(Object.keys(valid)), (odd, dropped) => {
      const dict: Record<string, unknown> = { ...valid, ...odd };
      for (const k of dropped) if (k !== 'format') delete dict[k];
      onlyStorageErrors(() => decodeResumeRecord(encode(dict)));
    }), { numRuns: 1000 });
  });
});
