import type { Span } from './types.ts';

interface Recorded {
  source: Uint8Array;
  start: number;
  end: number;
}

const recorded = new WeakMap<object, Recorded>();

/** @internal Called by the decoder for each dict and list whose span the `spans` option asks for. */
export function recordSpan(value: object, source: Uint8Array, start: number, end: number): void {
  recorded.set(value, { source, start, end });
}

/**
 * The byte span `[start, end)` of a dict or list in the input it was decoded from, when it was
 * decoded with its span recorded (the `spans` option); otherwise `undefined`.
 */
export function spanOf(value: object): Span | undefined {
  const r = recorded.get(value);
  return r === undefined ? undefined : { start: r.start, end: r.end };
}

/**
 * The original bytes of a dict or list decoded with its span recorded (a view into the input), e.g.
 * the `info` dict of a torrent, whose hash is the info hash even when it was not canonically encoded.
 */
export function rawOf(value: object): Uint8Array | undefined {
  const r = recorded.get(value);
  return r === undefined ? undefined : r.source.subarray(r.start, r.end);
}
