import { describe, expect, it } from 'vitest';
import { HandleCache } from './handle-cache.ts';

function tracked(max: number) {
  const open = new Set<number>();
  const closed: number[] = [];
  const cache = new HandleCache<{ key: number }>(
    max,
    async (key) => {
      open.add(key);
      return { key };
    },
    async (h, key) => {
      expect(h.key).toBe(key);
      open.delete(key);
      closed.push(key);
    },
  );
  return { cache, open, closed };
}

describe('HandleCache', () => {
  it('closes the least recently used idle handle past its bound', async () => {
    const { cache, open, closed } = tracked(2);
    await cache.use(1, async () => {});
    await cache.use(2, async () => {});
    await cache.use(1, async () => {}); // 1 is now the most recent
    await cache.use(3, async () => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(closed).toEqual([2]);
    expect([...open].sort()).toEqual([1, 3]);
    expect(cache.size).toBe(2);
  });

  it('never closes a handle while it is in use, and catches up afterwards', async () => {
    const { cache, open, closed } = tracked(1);
    let release!: () => void;
    const busy = cache.use(1, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 0));
    await cache.use(2, async () => {
      expect(open.has(1)).toBe(true); // over the bound while 1 is busy
    });
    release();
    await busy;
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.size).toBe(1);
    expect(closed.length).toBe(1);
  });

  it('pins every handle during forEach and closes all on clear', async () => {
    const { cache, open } = tracked(4);
    for (const k of [1, 2, 3]) await cache.use(k, async () => {});
    const seen: number[] = [];
    await cache.forEach(async (h) => {
      seen.push(h.key);
    });
    expect(seen.sort()).toEqual([1, 2, 3]);
    await cache.clear();
    expect(open.size).toBe(0);
    expect(cache.size).toBe(0);
  });

  it('forgets a handle that failed to open', async () => {
    const cache = new HandleCache<number>(2, async () => Promise.reject(new Error('nope')), async () => {});
    await expect(cache.use(1, async () => 1)).rejects.toThrow('nope');
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.size).toBe(0);
  });
});
