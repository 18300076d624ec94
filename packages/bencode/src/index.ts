/**
 * @torrentkit/bencode: bencoding as BEP 3 defines it (https://www.bittorrent.org/beps/bep_0003.html).
 * Strict, bounded, zero-dependency; byte strings are `Uint8Array`, big integers `bigint`.
 * @module
 */
export { decode, decodePrefix } from './decode.ts';
export { encode, encodeInto, encodingLength } from './encode.ts';
export { BencodeError, type BencodeErrorCode } from './errors.ts';
export { rawOf, spanOf } from './spans.ts';
export type { BDict, BList, BValue, DecodeOptions, Span } from './types.ts';
