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

  it('never closes a handle while it is in use: a new key waits for a free slot', async () => {
    const { cache, open, closed } = tracked(1);
    let release!: () => void;
    const busy = cache.use(1, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 0));
    let ran = false;
    const second = cache.use(2, async () => {
      ran = true;
      expect(open.has(1)).toBe(false); // never over the bound
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(ran).toBe(false);
    expect(cache.waiting).toBe(1);
    expect(open.has(1)).toBe(true);
    release();
    await busy;
    await second;
    expect(ran).toBe(true);
    expect(cache.size).toBe(1);
    expect(closed).toEqual([1]);
  });

  it('never has more than max handles open, opening or closing, however many callers at once', async () => {
    let live = 0;
    let peak = 0;
    const tick = () => new Promise((r) => setTimeout(r, 0));
    const cache = new HandleCache<number>(
      3,
      async (key) => {
        peak = Math.max(peak, ++live);
        await tick();
        return key;
      },
      async () => {
        await tick(); // a slow close (datasync) still holds its slot
        live--;
      },
    );
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        cache.use(i % 20, async (h) => {
          expect(cache.size).toBeLessThanOrEqual(3);
          await tick();
          seen.push(h);
        }),
      ),
    );
    expect(peak).toBeLessThanOrEqual(3);
    expect(seen.length).toBe(60);
    expect(cache.size).toBeLessThanOrEqual(3);
    await cache.clear();
    expect(live).toBe(0);
  });

  it('does not reopen a key before its evicted handle has finished closing', async () => {
    const events: string[] = [];
    const finish = new Map<number, () => void>();
    const cache = new HandleCache<number>(
      2,
      async (key) => {
        events.push(`open ${key}`);
        return key;
      },
      (_h, key) =>
        new Promise<void>((r) => {
          events.push(`closing ${key}`);
          finish.set(key, () => {
            events.push(`closed ${key}`);
            r();
          });
        }),
    );
    await cache.use(1, async () => {});
    await cache.use(2, async () => {});
    const third = cache.use(3, async () => {}); // evicts 1 and waits for its close
    await new Promise((r) => setTimeout(r, 0));
    const again = cache.use(1, async () => {}); // needs a slot too: 2 goes
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual(['open 1', 'open 2', 'closing 1', 'closing 2']);
    expect(cache.size).toBe(2);
    finish.get(1)!();
    await third;
    finish.get(2)!();
    await again;
    expect(events).toEqual(['open 1', 'open 2', 'closing 1', 'closing 2', 'closed 1', 'open 3', 'closed 2', 'open 1']);
  });

  it('drain waits for closes started by other callers and reports their failure once', async () => {
    let done = false;
    const cache = new HandleCache<number>(
      1,
      async (key) => key,
      async (key) => {
        await new Promise((r) => setTimeout(r, 20));
        done = true;
        if (key === 1) throw new Error('datasync failed');
      },
    );
    await cache.use(1, async () => {});
    const second = cache.use(2, async () => 'ok'); // evicts 1
    await new Promise((r) => setTimeout(r, 0));
    expect(done).toBe(false);
    await expect(cache.drain()).rejects.toThrow('datasync failed');
    expect(done).toBe(true);
    expect(await second).toBe('ok'); // the caller that needed the slot is not failed by it
    await cache.drain(); // reported once
  });

  it('clear fails the callers still waiting for a slot', async () => {
    const cache = new HandleCache<number>(1, async (key) => key, async () => {});
    let release!: () => void;
    const busy = cache.use(1, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 0));
    const waiting = cache.use(2, async () => 'ran');
    await cache.clear(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    release();
    await busy;
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
