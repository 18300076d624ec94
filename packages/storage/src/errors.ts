/** Stable machine-readable codes for every way storage can fail. */
export type StorageErrorCode =
  | 'STORAGE_INVALID_LAYOUT'
  | 'STORAGE_INVALID_ARGUMENT'
  | 'STORAGE_PIECE_OUT_OF_RANGE'
  | 'STORAGE_BLOCK_OUT_OF_RANGE'
  | 'STORAGE_UNSAFE_PATH'
  | 'STORAGE_SYMLINK_ESCAPE'
  | 'STORAGE_READ_ONLY'
  | 'STORAGE_CLOSED'
  | 'STORAGE_SHORT_READ'
  | 'STORAGE_IO';

/** The only error class @torrentkit/storage throws; `code` is stable, the message is for humans. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
