/** A decoded bencoded value. Byte strings are `Uint8Array`; integers are `number` when safe, else `bigint`. */
export type BValue = number | bigint | Uint8Array | BList | BDict;
/** A decoded bencoded list. */
export type BList = BValue[];
/**
 * A decoded bencoded dictionary. Keys are the UTF-8 decoding of the raw key bytes; bytes that are not
 * valid UTF-8 appear as lone surrogates U+DC80..U+DCFF ("surrogateescape") so they re-encode exactly.
 */
export interface BDict {
  [key: string]: BValue;
}

/** Options for {@link decode} and {@link decodePrefix}. */
export interface DecodeOptions {
  /** Reject unsorted dict keys (BEP 3). Default true. Duplicate keys are rejected either way. */
  strict?: boolean;
  /** Deepest allowed nesting of lists and dicts. Default 256. */
  maxDepth?: number;
  /** Copy byte strings out of the input (small ones into shared pooled buffers) instead of returning views into it. Default false. */
  copy?: boolean;
  /**
   * Record the byte spans of dicts and lists, for {@link spanOf} and {@link rawOf}: `true` for all of
   * them, or a number for those nested at most that deep (1 is the top-level value alone, 2 adds the
   * values directly in it: a torrent's `info` dict). Recording costs a little for each container, so
   * a torrent with thousands of files parses faster with `2`. Default false.
   */
  spans?: boolean | number;
  /** Most digits accepted in one integer (bounds bigint parsing). Default 1024. */
  maxIntegerDigits?: number;
  /** Most items (list elements plus dict entries) in the whole input. Default unlimited (bounded by input size). */
  maxItems?: number;
}

/** A half-open byte range `[start, end)` of the input. */
export interface Span {
  start: number;
  end: number;
}
