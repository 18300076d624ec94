/** Stable machine-readable codes for every way bencoding can fail. */
export type BencodeErrorCode =
  | 'BENCODE_UNEXPECTED_END'
  | 'BENCODE_UNEXPECTED_BYTE'
  | 'BENCODE_LEADING_ZERO'
  | 'BENCODE_NEGATIVE_ZERO'
  | 'BENCODE_EMPTY_INTEGER'
  | 'BENCODE_INTEGER_TOO_LONG'
  | 'BENCODE_STRING_TOO_LONG'
  | 'BENCODE_KEY_NOT_STRING'
  | 'BENCODE_UNSORTED_KEYS'
  | 'BENCODE_DUPLICATE_KEY'
  | 'BENCODE_TRAILING_BYTES'
  | 'BENCODE_DEPTH_EXCEEDED'
  | 'BENCODE_TOO_MANY_ITEMS'
  | 'BENCODE_INVALID_INPUT'
  | 'BENCODE_INVALID_OPTIONS'
  | 'BENCODE_UNSUPPORTED_TYPE'
  | 'BENCODE_NOT_INTEGER'
  | 'BENCODE_UNDEFINED_VALUE'
  | 'BENCODE_BUFFER_TOO_SMALL';

/**
 * The only error `decode`, `decodePrefix` and `encode` throw.
 * `offset` is the byte position of the failure in the input (decode) or -1 (encode).
 */
export class BencodeError extends Error {
  override readonly name = 'BencodeError';
  readonly code: BencodeErrorCode;
  readonly offset: number;

  constructor(code: BencodeErrorCode, message: string, offset = -1) {
    super(offset >= 0 ? `${message} at byte ${offset}` : message);
    this.code = code;
    this.offset = offset;
  }
}
