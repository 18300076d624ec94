import { describe, expect, it } from 'vitest';
import { decode } from './decode.ts';
import { rawOf, spanOf } from './spans.ts';
import { latin1, text } from './test-helpers.ts';

describe('spans', () => {
  it('give the exact original bytes of nested dicts and lists', () => {
    const input = latin1('d8:announce3:url4:infod4:name1:x6:lengthi5eee');
    const v = decode(input, { spans: true, strict: false }) as Record<string, any>;
    expect(spanOf(v)).toEqual({ start: 0, end: input.length });
    // the info dict is not canonical (unsorted); raw bytes keep it as it was
    expect(text(rawOf(v.info)!)).toBe('d4:name1:x6:lengthi5ee');
    expect(rawOf(v.info)!.buffer).toBe(input.buffer);
  });
  it('cover lists too, and are absent unless requested', () => {
    const input = latin1('ll1:aee');
    const v = decode(input, { spans: true }) as unknown[];
    expect(spanOf(v[0] as object)).toEqual({ start: 1, end: 6 });
    expect(spanOf(decode(input) as object)).toBeUndefined();
    expect(rawOf({})).toBeUndefined();
  });
});
