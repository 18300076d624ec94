// Property test: whatever a hostile peer sends after a valid handshake, in whatever chunking, the
// session only reports events (never throws), stays within its bounds, and once closed stays closed:
// nothing is sent or reported after `closed`, even when the owner closes it from inside an event.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeMessage } from './encode.ts';
import { encodeHandshake } from './handshake.ts';
import type { Message } from './messages.ts';
import { PeerSession, type SessionEvent } from './session.ts';
import { concat, pattern } from './test-helpers.ts';

const infoHash = pattern(20, 5);
const torrent = { pieceCount: 20, pieceLength: 32768, totalLength: 19 * 32768 + 77 };
const small = fc.nat({ max: 40 });
const offset = fc.oneof(fc.constantFrom(0, 16384, 32768, 0xffffffff), fc.nat({ max: 70000 }));
const length = fc.oneof(fc.constantFrom(0, 1, 16384, 0xffffffff), fc.nat({ max: 70000 }));

const eventTypes = ['choke', 'unchoke', 'have', 'bitfield', 'request', 'block', 'request-failed', 'violation', 'snubbed', 'extended-handshake'] as const;

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.constantFrom<Message>({ type: 'keep-alive' }, { type: 'choke' }, { type: 'unchoke' }, { type: 'interested' },
    { type: 'not-interested' }, { type: 'have-all' }, { type: 'have-none' }),
  fc.record({ type: fc.constant('have' as const), index: small }),
  fc.record({ type: fc.constant('suggest' as const), index: small }),
  fc.record({ type: fc.constant('allowed-fast' as const), index: small }),
  fc.record({ type: fc.constant('bitfield' as const), bitfield: fc.uint8Array({ minLength: 2, maxLength: 4 }) }),
  fc.record({ type: fc.constant('request' as const), index: small, begin: offset, length }),
  fc.record({ type: fc.constant('cancel' as const), index: small, begin: offset, length }),
  fc.record({ type: fc.constant('reject' as const), index: small, begin: offset, length }),
  fc.record({ type: fc.constant('piece' as const), index: small, begin: offset, block: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ type: fc.constant('port' as const), port: fc.nat({ max: 0xffff }) }),
  fc.record({ type: fc.constant('extended' as const), id: fc.nat({ max: 3 }), payload: fc.uint8Array({ maxLength: 40 }) }),
);

describe('PeerSession under hostile input', () => {
  it('never throws, keeps its bounds, and closes at most once', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(message, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 10 }), fc.nat({ max: 200_000 }), fc.option(fc.constantFrom(...eventTypes)), (fast, msgs, cuts, later, closeOn) => {
        const events: SessionEvent[] = [];
        const afterClose: string[] = [];
        const s: PeerSession = new PeerSession({
          infoHash, peerId: pattern(20, 1), torrent, pieces: Bitfield.full(20), reqq: 8, maxViolations: 5, snubTimeout: 10_000, keepAliveInterval: 20_000,
          onSend: () => {
            if (s.closed) afterClose.push('send');
          },
          onEvent: (e) => {
            if (events.at(-1)?.type === 'closed') afterClose.push(e.type);
            events.push(e);
            if (e.type === closeOn) s.close(); // an owner that drops the peer on this event
            if (e.type === 'request') s.sendPiece(e.index, e.begin, new Uint8Array(e.length));
          },
        });
        s.start(0);
        s.unchoke();
        s.interested();
        for (let i = 0; i < 5; i++) s.request(i, 0, 16384);
        const stream = concat([encodeHandshake({ infoHash, peerId: pattern(20, 9), reserved: { fast, extended: true } }), ...msgs.map(encodeMessage)]);
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        let prev = 0;
        for (const p of [...points, stream.length]) {
          s.receive(stream.slice(prev, p), 10);
          prev = p;
        }
        s.tick(later);
        expect(events.filter((e) => e.type === 'closed').length).toBeLessThanOrEqual(1);
        expect(afterClose).toEqual([]);
        expect(s.incomingRequests).toBeLessThanOrEqual(8);
        expect(s.outstanding).toBeLessThanOrEqual(5);
        if (!s.closed) expect(s.violations).toBeLessThanOrEqual(5);
      }),
      { numRuns: 300 },
    );
  });
});
