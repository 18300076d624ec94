// A resume record as bytes (bencoded, so it can sit next to the .torrent or in any key-value store).
// Bencode has only integers: modification times are kept in whole microseconds, and resume() compares
// them at that precision, so a record survives the round trip without forcing a recheck. Times before
// 1970 are negative, and times too far out for a safe integer travel as bencode's big integers.
import { BencodeError, decode, encode, type BDict, type BValue } from '@torrentkit/bencode';
import { StorageError } from './errors.ts';
import type { ResumeRecord } from './resume.ts';

const PREFIX = 'torrentkit-resume-';
// 2: adds the torrent digest and the time of the record. Records of other versions decode to undefined.
const VERSION = 2;
const FORMAT = `${PREFIX}${VERSION}`;
// Date's range, in microseconds: a bigger "time" is not one.
const MAX_TIME_US = 8.64e18;

const invalid = (why: string): never => {
  throw new StorageError('STORAGE_INVALID_LAYOUT', `resume record: ${why}`);
};

/**
 * Encodes a resume record. Throws `STORAGE_INVALID_LAYOUT` for a record that is not one (sizes that are
 * not non-negative safe integers, times that are not finite): whatever it returns decodes again.
 */
export function encodeResumeRecord(record: ResumeRecord): Uint8Array {
  const count = (x: number, what: string): number => (Number.isSafeInteger(x) && x >= 0 ? x : invalid(`bad ${what}`));
  const bytes = (x: Uint8Array, what: string): Uint8Array => (x instanceof Uint8Array ? x : invalid(`bad ${what}`));
  return encode({
    format: FORMAT,
    torrent: bytes(record.torrent, 'torrent digest'),
    'piece length': count(record.pieceLength, 'piece length'),
    'piece count': count(record.pieceCount, 'piece count'),
    bitfield: bytes(record.bitfield, 'bitfield'),
    'recorded at': micros(record.recordedAtMs, 'record time'),
    // absent files are empty lists, present ones [size, mtime in microseconds]
    files: record.files.map((f) => (f ? [count(f.size, 'file size'), micros(f.mtimeMs, 'file mtime')] : [])),
  });
}

/**
 * Decodes bytes from {@link encodeResumeRecord}. Returns undefined for a record of another format version
 * (from an older or newer release): pass that on to `resume()`, which then rechecks everything. Throws
 * `STORAGE_INVALID_LAYOUT` on anything that is not a resume record.
 */
export function decodeResumeRecord(bytes: Uint8Array): ResumeRecord | undefined {
  let v: BValue;
  try {
    v = decode(bytes, { maxDepth: 4 });
  } catch (e) {
    if (e instanceof BencodeError) throw new StorageError('STORAGE_INVALID_LAYOUT', `resume record: ${e.message}`, { cause: e });
    throw e;
  }
  if (typeof v !== 'object' || v instanceof Uint8Array || Array.isArray(v)) return invalid('not a dictionary');
  const d = v as BDict;
  const format = d.format instanceof Uint8Array ? new TextDecoder().decode(d.format) : invalid('no format');
  if (format !== FORMAT) {
    if (format.startsWith(PREFIX) && /^[0-9]{1,9}$/.test(format.slice(PREFIX.length))) return undefined;
    return invalid('unknown format');
  }
  const count = (x: BValue | undefined, what: string): number => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : invalid(`bad ${what}`));
  const ms = (x: BValue | undefined, what: string): number => {
    // big integers are exact here only to the millisecond; a mismatch just forces a recheck
    if (typeof x === 'number' && Number.isSafeInteger(x)) return x / 1000;
    if (typeof x === 'bigint' && x <= BigInt(MAX_TIME_US) && x >= -BigInt(MAX_TIME_US)) return Number(x) / 1000;
    return invalid(`bad ${what}`);
  };
  const bytesOf = (x: BValue | undefined, what: string): Uint8Array => (x instanceof Uint8Array ? x.slice() : invalid(`bad ${what}`));
  const files = Array.isArray(d.files) ? d.files : invalid('bad files');
  return {
    torrent: bytesOf(d.torrent, 'torrent digest'),
    pieceLength: count(d['piece length'], 'piece length'),
    pieceCount: count(d['piece count'], 'piece count'),
    bitfield: bytesOf(d.bitfield, 'bitfield'),
    files: files.map((f) => {
      if (!Array.isArray(f) || (f.length !== 0 && f.length !== 2)) return invalid('bad file entry');
      if (f.length === 0) return null;
      return { size: count(f[0], 'file size'), mtimeMs: ms(f[1], 'file mtime') };
    }),
    recordedAtMs: ms(d['recorded at'], 'record time'),
  };
}

// Whole microseconds; beyond the safe integers as a bigint (bencode has no limit), so any finite time
// within Date's range encodes. -0 becomes 0.
function micros(msValue: number, what: string): number | bigint {
  if (!Number.isFinite(msValue) || Math.abs(msValue * 1000) > MAX_TIME_US) return invalid(`bad ${what}`);
  const us = Math.round(msValue * 1000);
  return Number.isSafeInteger(us) ? us + 0 : BigInt(us);
}
