// A resume record as bytes (bencoded, so it can sit next to the .torrent or in any key-value store).
// Bencode has only integers: modification times are kept in whole microseconds, and resume() compares
// them at that precision, so a record survives the round trip without forcing a recheck.
import { BencodeError, decode, encode, type BDict, type BValue } from '@torrentkit/bencode';
import { StorageError } from './errors.ts';
import type { ResumeRecord } from './resume.ts';

const FORMAT = 'torrentkit-resume-1';

/** Encodes a resume record. */
export function encodeResumeRecord(record: ResumeRecord): Uint8Array {
  return encode({
    format: FORMAT,
    'piece length': record.pieceLength,
    'piece count': record.pieceCount,
    bitfield: record.bitfield,
    // absent files are empty lists, present ones [size, mtime in microseconds]
    files: record.files.map((f) => (f ? [f.size, Math.round(f.mtimeMs * 1000)] : [])),
  });
}

/** Decodes bytes from {@link encodeResumeRecord}; throws `STORAGE_INVALID_LAYOUT` on anything else. */
export function decodeResumeRecord(bytes: Uint8Array): ResumeRecord {
  let v: BValue;
  try {
    v = decode(bytes, { maxDepth: 4 });
  } catch (e) {
    if (e instanceof BencodeError) throw new StorageError('STORAGE_INVALID_LAYOUT', `resume record: ${e.message}`, { cause: e });
    throw e;
  }
  const bad = (why: string): never => {
    throw new StorageError('STORAGE_INVALID_LAYOUT', `resume record: ${why}`);
  };
  if (typeof v !== 'object' || v instanceof Uint8Array || Array.isArray(v)) return bad('not a dictionary');
  const d = v as BDict;
  const format = d.format;
  if (!(format instanceof Uint8Array) || new TextDecoder().decode(format) !== FORMAT) bad('unknown format');
  const int = (x: BValue | undefined, what: string): number => (typeof x === 'number' && x >= 0 ? x : bad(`bad ${what}`));
  const bitfield = d.bitfield instanceof Uint8Array ? d.bitfield.slice() : bad('bad bitfield');
  const files = Array.isArray(d.files) ? d.files : bad('bad files');
  return {
    pieceLength: int(d['piece length'], 'piece length'),
    pieceCount: int(d['piece count'], 'piece count'),
    bitfield,
    files: files.map((f) => {
      if (!Array.isArray(f)) return bad('bad file entry');
      if (f.length === 0) return null;
      return { size: int(f[0], 'file size'), mtimeMs: int(f[1], 'file mtime') / 1000 };
    }),
  };
}
