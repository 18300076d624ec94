// Variables that the CLI would refuse must not slip through the edge adapters' env parsing and
// break every reply (a fractional interval was sent truncated, with `min interval` 0).
import { describe, expect, it } from 'vitest';
import { announceUrl, bdecode, id20 } from '../test/announce-helpers.ts';
import { createEdgeTracker } from './app.ts';
import { memoryStoreOptionsFromEnv, trackerOptionsFromEnv } from './env-options.ts';

describe('trackerOptionsFromEnv refuses values the tracker cannot use', () => {
  it.each(['1.5', '1e20', '0x10', ' 60 ', '0', '86401', '-5'])('TRACKER_INTERVAL=%j', (v) => {
    expect(() => trackerOptionsFromEnv({ TRACKER_INTERVAL: v })).toThrow(/TRACKER_INTERVAL must be an integer from 1 to 86400/);
  });

  it.each(['0.5', '1e9', '10001'])('TRACKER_NUMWANT_MAX=%j', (v) => {
    expect(() => trackerOptionsFromEnv({ TRACKER_NUMWANT_MAX: v })).toThrow(/TRACKER_NUMWANT_MAX must be an integer from 1 to 10000/);
  });

  it.each(['TRACKER_ALLOW', 'TRACKER_DENY', 'TRACKER_PASSKEYS'] as const)('%s that is set but names nothing', (name) => {
    expect(() => trackerOptionsFromEnv({ [name]: ' , ' })).toThrow(new RegExp(`${name} is set but lists nothing`));
  });

  it('names the variable of an entry the tracker could never match', () => {
    expect(() => trackerOptionsFromEnv({ TRACKER_ALLOW: `${'ab'.repeat(20)},abc` })).toThrow(/TRACKER_ALLOW: not an info hash \(40 hex chars\): "abc"/);
    expect(() => trackerOptionsFromEnv({ TRACKER_DENY: 'zz'.repeat(20) })).toThrow(/TRACKER_DENY: not an info hash/);
    expect(() => trackerOptionsFromEnv({ TRACKER_PASSKEYS: `ok,${'k'.repeat(129)}` })).toThrow(/TRACKER_PASSKEYS: not a passkey \(at most 128 chars\)/);
    expect(trackerOptionsFromEnv({ TRACKER_PASSKEYS: `ok,${'k'.repeat(128)}` })).toMatchObject({ passkeys: ['ok', 'k'.repeat(128)] });
  });

  it('takes whole seconds and plain digits', () => {
    expect(trackerOptionsFromEnv({ TRACKER_INTERVAL: '86400', TRACKER_NUMWANT_MAX: '10000' })).toMatchObject({ interval: 86400, numwantMax: 10000 });
    expect(memoryStoreOptionsFromEnv({ TRACKER_MAX_SWARMS: '20' })).toMatchObject({ maxSwarms: 20 });
    expect(() => memoryStoreOptionsFromEnv({ TRACKER_MAX_SWARMS: '2e3' })).toThrow(/TRACKER_MAX_SWARMS/);
  });
});

describe('TRACKER_RATE_LIMIT below one request per two seconds', () => {
  it('lets a client announce once, then once per 1/rate seconds (it refused every request)', async () => {
    let clock = 1_000_000;
    const app = createEdgeTracker({ ...trackerOptionsFromEnv({ TRACKER_RATE_LIMIT: '0.1' }), now: () => clock, clientIp: () => '192.0.2.7' });
    const announce = async () => {
      const r = await app.fetch(new Request(announceUrl('http://tracker.test', { infoHash: id20(7, 1), peer: 1 })));
      return bdecode(await r.arrayBuffer())['failure reason'] === undefined;
    };
    expect(await announce()).toBe(true);
    expect(await announce()).toBe(false);
    clock += 10_000;
    expect(await announce()).toBe(true);
    await app.close();
  });
});
