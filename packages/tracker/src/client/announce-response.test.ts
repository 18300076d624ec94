// Tracker replies as a broken or hostile tracker writes them.
import { describe, expect, it } from 'vitest';
import { encode } from '@torrentkit/bencode';
import { parseAnnounceResponse } from './announce-response.ts';

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

  it('still refuses a peers value that is neither a string nor a list', () => {
    expect(() => parseAnnounceResponse(encode({ interval: 1800, peers: 5 }))).toThrow(expect.objectContaining({ code: 'TRACKER_BAD_RESPONSE' }));
  });
});
