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
  it('down to a given depth: 1 is the top-level value, 2 adds the values in it', () => {
    const input = latin1('d4:infod5:filesld6:lengthi1e4:pathl1:aeeee4:listli1eee');
    type Top = { info: { files: [{ path: unknown[] }] }; list: unknown[] };
    const spansAt = (spans: boolean | number) => {
      const v = decode(input, { spans }) as unknown as Top;
      return [v, v.info, v.list, v.info.files, v.info.files[0], v.info.files[0].path].map((x) => spanOf(x as object) !== undefined);
    };
    expect(spansAt(1)).toEqual([true, false, false, false, false, false]);
    expect(spansAt(2)).toEqual([true, true, true, false, false, false]);
    expect(spansAt(3)).toEqual([true, true, true, true, false, false]);
    expect(spansAt(5)).toEqual([true, true, true, true, true, true]);
    expect(spansAt(true)).toEqual([true, true, true, true, true, true]);
    for (const none of [0, -1, Number.NaN, false]) expect(spansAt(none)).toEqual([false, false, false, false, false, false]);
    const v = decode(input, { spans: 2 }) as unknown as Top;
    expect(text(rawOf(v.info)!)).toBe('d5:filesld6:lengthi1e4:pathl1:aeeee');
  });
});
