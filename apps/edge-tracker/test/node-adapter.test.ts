// startFromEnv (src/adapters/node.ts): bad PORT values and an unreachable REDIS_URL are errors at
// start, not a random port or a tracker that fails every announce.
import { describe, expect, it } from 'vitest';
import { startFromEnv } from '../src/adapters/node.ts';
import { portFromEnv } from '../src/env-options.ts';

describe('startFromEnv', () => {
  it.each(['', 'abc', '80.5', '0x50', '65536', ' 80'])('refuses PORT=%j', async (PORT) => {
    await expect(startFromEnv({ PORT })).rejects.toThrow(/PORT must be an integer from 0 to 65535/);
  });

  it('refuses a REDIS_URL it cannot reach before listening', async () => {
    await expect(startFromEnv({ PORT: '0', REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(/cannot connect to Redis/);
  });

  it('starts on PORT and HOST', async () => {
    const t = await startFromEnv({ PORT: '0', HOST: '127.0.0.1', TRACKER_TITLE: 'env' });
    try {
      expect(t.server.port).toBeGreaterThan(0);
      expect(await (await fetch(`${t.origin}/stats.json`)).json()).toMatchObject({ store: 'memory' });
    } finally {
      await t.close();
    }
  });

  it('portFromEnv defaults when PORT is unset', () => {
    expect(portFromEnv({})).toBe(8000);
    expect(portFromEnv({ PORT: '65535' })).toBe(65535);
  });
});
