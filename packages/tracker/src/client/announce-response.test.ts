// Tracker replies as a broken or hostile tracker writes them.
import { describe, expect, it } from 'vitest';
import { encode } from '@torrentkit/bencode';
import { parseAnnounceResponse, parseScrapeResponse } from './announce-response.ts';

describe('parseAnnounceResponse, dictionary-model peers (BEP 3)', () => {
  it('skips entries without a usable ip and port and keeps the others', () => {
    const id = new Uint8Array(20).fill(7);
    const r = parseAnnounceResponse(encode({
      interval: 1800,
      peers: [
        { ip: '192.0.2.1', port: 6881 },
        { ip: '192.0.2.2' }, // no port
        { ip: '192.0.2.3', port: -1 },
        { ip: '192.0.2.4', port: 70_000 },
        { ip: '192.0.2.5', port: 'x' },
        { ip: 3221225990, port: 6881 }, // ip as an integer
        { ip: '', port: 6881 },
        { port: 6881 },
        'not a dict',
        [1, 2],
        { ip: 'peer.example', port: 51413, 'peer id': id },
      ],
    }));
    expect(r.peers).toEqual([{ ip: '192.0.2.1', port: 6881 }, { ip: 'peer.example', port: 51413, peerId: id }]);
  });

  it('keeps the whole compact entries when peers or peers6 ends in a partial one (as libtorrent and Transmission do)', () => {
    const v4 = new Uint8Array([192, 0, 2, 1, 0x1a, 0xe1, 192, 0, 2]);
    const v6 = new Uint8Array(18 + 5);
    v6[15] = 1; v6[16] = 0x1a; v6[17] = 0xe2;
    expect(parseAnnounceResponse(encode({ interval: 1800, peers: v4, peers6: v6 })).peers)
      .toEqual([{ ip: '192.0.2.1', port: 6881 }, { ip: '::1', port: 6882 }]);
  });

  it('still refuses a peers value that is neither a string nor a list', () => {
    expect(() => parseAnnounceResponse(encode({ interval: 1800, peers: 5 }))).toThrow(expect.objectContaining({ code: 'TRACKER_BAD_RESPONSE' }));
  });
});

describe('parseAnnounceResponse and parseScrapeResponse, counts', () => {
  const peer = new Uint8Array([192, 0, 2, 1, 0x1a, 0xe1]);

  it('takes a negative count or min interval as unknown instead of failing the announce', () => {
    const r = parseAnnounceResponse(encode({ interval: 1800, 'min interval': -1, complete: -1, incomplete: 4, peers: peer }));
    expect(r).toEqual({ interval: 1800, incomplete: 4, peers: [{ ip: '192.0.2.1', port: 6881 }] });
    const h = new Uint8Array(20).fill(1);
    expect(parseScrapeResponse(encode({ files: new Map([[h, { complete: 2, incomplete: -1, downloaded: -1 }]]) }), [h]))
      .toEqual([{ complete: 2, incomplete: 0, downloaded: 0 }]);
  });

  it('still refuses a negative interval and counts of the wrong type', () => {
    const code = expect.objectContaining({ code: 'TRACKER_BAD_RESPONSE' });
    expect(() => parseAnnounceResponse(encode({ interval: -1, peers: peer }))).toThrow(code);
    expect(() => parseAnnounceResponse(encode({ interval: 1800, complete: 'x', peers: peer }))).toThrow(code);
  });
});
