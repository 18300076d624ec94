// Property-based tests of every decoder: round trips, and no input makes one hang, crash, or throw
// anything but TrackerError.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TrackerError } from './errors.ts';
import { parseAnnounceQuery, parseScrapeParams } from './http/announce-request.ts';
import { parseQuery, percentDecode, percentEncode } from './http/query.ts';
import { encodeAnnounceReply, encodeAnnounceReplyDicts, encodeFailure, encodeScrapeReply } from './http/reply.ts';
import { parseAnnounceResponse, parseScrapeResponse } from './client/announce-response.ts';
import * as udp from './udp/packets.ts';
import { createTracker } from './server.ts';

const onlyTrackerErrors = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (!(err instanceof TrackerError)) throw err;
  }
};
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const runs = { numRuns: 300 };

describe('fuzz: HTTP query parser', () => {
  it('percentEncode/percentDecode round-trip any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      expect(percentDecode(percentEncode(b))).toEqual(b);
    }), runs);
  });

  it('parseQuery + parseAnnounceParams throw only TrackerError on any string', () => {
    const chars = fc.constantFrom('%', '&', '=', '+', 'a', '0', '9', 'f', 'G', 'info_hash', 'peer_id', 'port', 'left', 'event', 'numwant', 'ip', '\u00ff', '\u0100', '-');
    fc.assert(fc.property(fc.array(chars, { maxLength: 40 }).map((a) => a.join('')), (s) => {
      onlyTrackerErrors(() => parseAnnounceQuery(s));
      onlyTrackerErrors(() => parseScrapeParams(parseQuery(s), 10));
    }), runs);
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      onlyTrackerErrors(() => parseAnnounceQuery(s));
    }), runs);
  });

  it('valid announces survive encoding with arbitrary binary ids', () => {
    fc.assert(fc.property(bytes(20), bytes(20), fc.integer({ min: 1, max: 65535 }), (h, p, port) => {
      const q = `info_hash=${percentEncode(h)}&peer_id=${percentEncode(p)}&port=${port}&left=0`;
      const r = parseAnnounceQuery(q);
      expect(r.infoHash).toEqual(h);
      expect(r.peerId).toEqual(p);
      expect(r.port).toBe(port);
      expect(r.left).toBe(0);
    }), runs);
  });
});

describe('fuzz: UDP packets', () => {
  it('decodeRequest never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => { udp.decodeRequest(b); }), { numRuns: 1000 });
  });

  it('decodeRequest never throws on mutated valid packets', () => {
    const base = udp.encodeAnnounceRequest({
      connectionId: new Uint8Array(8), transactionId: 1, infoHash: new Uint8Array(20), peerId: new Uint8Array(20),
      downloaded: 0n, left: 0n, uploaded: 0n, event: 'none', ip: 0, key: 0, numWant: -1, port: 1, urlData: '/announce?x=y',
    });
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length + 10), fc.nat(255)), { maxLength: 8 }), fc.nat(base.length + 10), (muts, cut) => {
      const b = new Uint8Array(base.length + 10);
      b.set(base);
      for (const [i, v] of muts) b[i % b.length] = v;
      udp.decodeRequest(b.subarray(0, cut));
    }), { numRuns: 1000 });
  });

  it('announce requests round-trip', () => {
    fc.assert(fc.property(
      bytes(8), fc.nat(0xffffffff), bytes(20), bytes(20), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom('none', 'started', 'stopped', 'completed'),
      fc.integer({ min: -1, max: 0x7fffffff }), fc.integer({ min: 0, max: 65535 }), fc.string({ maxLength: 600, unit: fc.constantFrom('a', '/', '?', '=', '&') }),
      (cid, tid, h, p, left, event, numWant, port, urlData) => {
        const req = { connectionId: cid, transactionId: tid, infoHash: h, peerId: p, downloaded: 1n, left, uploaded: 2n, event: event as udp.UdpEvent, ip: 0, key: 7, numWant, port, urlData };
        expect(udp.decodeRequest(udp.encodeAnnounceRequest(req))).toEqual({ action: 'announce', ...req });
      }), runs);
  });

  it('decodeResponse never throws and round-trips', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => { udp.decodeResponse(b); }), { numRuns: 1000 });
    fc.assert(fc.property(fc.nat(0xffffffff), fc.array(fc.record({ complete: fc.nat(), downloaded: fc.nat(), incomplete: fc.nat() }), { maxLength: 74 }), (tid, rows) => {
      expect(udp.decodeResponse(udp.encodeScrapeResponse(tid, rows))).toEqual({ action: 'scrape', transactionId: tid, rows });
    }), runs);
  });

  it('the tracker core answers or drops any datagram without throwing', async () => {
    const t = createTracker();
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (b) => {
      const r = await t.handleUdp(b, { address: '127.0.0.1', port: 1 });
      if (r) expect(udp.decodeResponse(r)).not.toBeNull();
    }), { numRuns: 500 });
  });
});

describe('fuzz: HTTP tracker core', () => {
  it('answers any request target with a bencoded reply or a 404, never throwing, never touching other swarms', async () => {
    const t = createTracker();
    const keep = `/announce?info_hash=${'%AA'.repeat(20)}&peer_id=${'%BB'.repeat(20)}&port=1&left=1`;
    await t.handleHttpTarget('GET', keep, '127.0.0.1');
    const piece = fc.constantFrom('/announce', '/scrape', '/announce/x', '?', '&', '=', '%', '%AA', 'info_hash', 'peer_id', 'port=', '65536', 'numwant=', 'event=', 'stopped', 'compact=0', 'ip=', '::1', '\u00ff', '/', '//');
    await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 25 }).map((a) => '/' + a.join('')), fc.constantFrom('GET', 'HEAD', 'POST'), async (target, method) => {
      const r = await t.handleHttpTarget(method, target, '127.0.0.1');
      if (r.status === 200 || r.status === 405) expect(r.body[0]).toBe(100); // 'd': a bencoded dict
      else expect(r.status).toBe(404);
    }), { numRuns: 500 });
    expect((await t.store.stats()).leechers).toBeGreaterThanOrEqual(1);
    const [row] = await t.store.scrape([new Uint8Array(20).fill(0xaa)], 0);
    expect(row!.incomplete).toBeGreaterThanOrEqual(1);
  });
});

describe('fuzz: bencoded replies (client side)', () => {
  it('parseAnnounceResponse / parseScrapeResponse throw only TrackerError on arbitrary bytes', () => {
    const tokens = fc.constantFrom('d', 'e', 'l', 'i', '0', '1', '5', ':', '-', '8:interval', '5:peers', '6:peers6', '6:abcdef', 'i30e', '14:failure reason', '5:files', 'x');
    fc.assert(fc.property(fc.array(tokens, { maxLength: 30 }).map((a) => new TextEncoder().encode(a.join(''))), (b) => {
      onlyTrackerErrors(() => parseAnnounceResponse(b));
      onlyTrackerErrors(() => parseScrapeResponse(b, [new Uint8Array(20)]));
    }), { numRuns: 1000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      onlyTrackerErrors(() => parseAnnounceResponse(b));
    }), runs);
  });

  it('server replies parse back on the client (compact, dicts, scrape, failure)', () => {
    const peer4 = fc.tuple(bytes(4), fc.integer({ min: 1, max: 65535 }));
    fc.assert(fc.property(fc.array(peer4, { maxLength: 20 }), fc.nat(1000), fc.nat(1000), (peers, complete, incomplete) => {
      const p4 = new Uint8Array(peers.length * 6);
      peers.forEach(([ip, port], i) => { p4.set(ip, i * 6); p4[i * 6 + 4] = port >> 8; p4[i * 6 + 5] = port & 255; });
      const reply = { interval: 900, complete, incomplete, peers4: p4, peers6: new Uint8Array(0), peerIds4: new Uint8Array(peers.length * 20) };
      for (const enc of [encodeAnnounceReply, encodeAnnounceReplyDicts]) {
        const r = parseAnnounceResponse(enc(reply));
        expect(r).toMatchObject({ interval: 900, complete, incomplete });
        expect(r.peers.map((p) => p.port)).toEqual(peers.map(([, port]) => port));
      }
    }), runs);
    fc.assert(fc.property(fc.array(bytes(20), { minLength: 1, maxLength: 5 }), (hashes) => {
      const rows = hashes.map((h, i) => ({ infoHash: h, complete: i, incomplete: i + 1, downloaded: i + 2 }));
      const parsed = parseScrapeResponse(encodeScrapeReply(rows), hashes);
      // Duplicated hashes collapse to the first row for that hash.
      parsed.forEach((p, i) => {
        const first = rows.find((r) => r.infoHash.every((b, j) => b === hashes[i]![j]))!;
        expect(p).toEqual({ complete: first.complete, incomplete: first.incomplete, downloaded: first.downloaded });
      });
    }), runs);
    expect(() => parseAnnounceResponse(encodeFailure('nope'))).toThrow(expect.objectContaining({ code: 'TRACKER_FAILURE', message: 'nope' }));
  });
});
