// Errors of the build/hash/verify side. They are MetainfoErrors (the package's one error class);
// the codes below extend its code list for failures that only happen when touching files.
import { MetainfoError, type MetainfoErrorCode } from '../errors.ts';

/** Codes thrown while reading or hashing files. */
export type HashErrorCode =
  /** A file listed for hashing does not exist (any more). */
  | 'METAINFO_FILE_MISSING'
  /** A file could not be opened or read (permissions, I/O error). */
  | 'METAINFO_FILE_UNREADABLE'
  /** A file got shorter between listing and hashing. */
  | 'METAINFO_FILE_CHANGED'
  /** A worker failed for a reason other than file access. */
  | 'METAINFO_HASH_FAILED';

/** Make a MetainfoError with one of the codes above or of the package's list. */
export function metainfoError(code: HashErrorCode | MetainfoErrorCode, message: string, cause?: unknown): MetainfoError {
  return new MetainfoError(code, message, -1, cause === undefined ? undefined : { cause });
}

/** Map a read failure code from the file adapter to a MetainfoError code. */
export function readErrorCode(code: string): HashErrorCode {
  if (code === 'FILE_MISSING') return 'METAINFO_FILE_MISSING';
  if (code === 'FILE_TRUNCATED') return 'METAINFO_FILE_CHANGED';
  if (code === 'FILE_UNREADABLE') return 'METAINFO_FILE_UNREADABLE';
  return 'METAINFO_HASH_FAILED';
}
