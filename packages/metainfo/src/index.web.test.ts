// The web entry on a runtime without node:crypto (as in browsers and edge workers): the digests
// module is re-imported with node:crypto made to look absent. Not under `bun test`, which has no
// vi.resetModules/vi.doMock; what is tested is plain module logic, the same on every runtime.
import { describe, expect, it, vi } from 'vitest';
import { parseTorrent } from './index.ts';
import { fixture } from './test-fixtures.ts';

const hybrid = fixture('transmission/bittorrent-v2-hybrid-test.torrent');
const expected = parseTorrent(hybrid);

function withoutNodeCrypto(): void {
  vi.resetModules();
  vi.doMock('./hash/digest-native.ts', () => ({ nativeDigests: () => undefined }));
}

describe.skipIf('Bun' in globalThis)('without node:crypto', () => {
  it('the web entry parses with @noble/hashes and gets the same info hashes', async () => {
    withoutNodeCrypto();
    try {
      const web = await import('./index.web.ts');
      expect(web.defaultDigests().kind).toBe('noble');
      const t = web.parseTorrent(hybrid);
      expect(t.infoHash).toBe(expected.infoHash);
      expect(t.infoHashV2).toBe(expected.infoHashV2);
    } finally {
      vi.doUnmock('./hash/digest-native.ts');
    }
  });

  it('the plain entry says what to do, and loadNobleDigests() makes noble the fallback', async () => {
    withoutNodeCrypto();
    try {
      const plain = await import('./index.ts');
      expect(() => plain.parseTorrent(hybrid)).toThrowError(expect.objectContaining({ code: 'METAINFO_NO_DIGESTS' }));
      // not "not a torrent": the setup error comes through tryParseTorrent too
      expect(() => plain.tryParseTorrent(hybrid)).toThrowError(expect.objectContaining({ code: 'METAINFO_NO_DIGESTS' }));
      expect(() => plain.defaultDigests()).toThrow(/"browser" or "worker" condition, or await loadNobleDigests\(\)/);
      await plain.loadNobleDigests();
      expect(plain.parseTorrent(hybrid).infoHash).toBe(expected.infoHash);
    } finally {
      vi.doUnmock('./hash/digest-native.ts');
    }
  });
});
