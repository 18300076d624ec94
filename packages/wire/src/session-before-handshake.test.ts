// Commands given before the handshakes are exchanged (an incoming connection answers the peer's
// handshake only once it arrives): nothing may precede our handshake, and with BEP 6 our piece set
// must be the first message after it.
import { describe, expect, it } from 'vitest';
import { Bitfield } from './bitfield.ts';
import { encodeHandshake } from './handshake.ts';
import { WireParser } from './parser.ts';
import { PeerSession } from './session.ts';
import { concat, pattern } from './test-helpers.ts';

const infoHash = pattern(20, 41);
const torrent = { pieceCount: 10, pieceLength: 32768, totalLength: 9 * 32768 + 1000 };

function incoming() {
  const sent: Uint8Array[] = [];
  const s = new PeerSession({ infoHash, peerId: pattern(20, 1), torrent, pieces: Bitfield.full(10), now: 0, onSend: (d) => sent.push(d.slice()), onEvent: () => {} });
  const peerSees = () => new WireParser({ pieceCount: 10 }).parse(concat(sent)).map((e) => e.type);
  const handshake = () => s.receive(encodeHandshake({ infoHash, peerId: pattern(20, 2), reserved: { fast: true, extended: true } }));
  return { s, sent, peerSees, handshake };
}

describe('PeerSession commands before the handshakes', () => {
  it('unchoke, interested and port wait for the handshakes and follow our piece set', () => {
    const A = incoming();
    A.s.unchoke();
    A.s.interested();
    A.s.sendPort(6881);
    expect(A.sent).toEqual([]);
    expect(A.s.amChoking).toBe(false);
    expect(A.s.amInterested).toBe(true);
    A.handshake();
    expect(A.peerSees()).toEqual(['handshake', 'have-all', 'extended', 'unchoke', 'interested', 'port']);
  });

  it('a change undone before the handshakes sends nothing for it', () => {
    const A = incoming();
    A.s.unchoke();
    A.s.choke();
    A.s.interested();
    A.s.notInterested();
    expect(A.sent).toEqual([]);
    A.handshake();
    expect(A.peerSees()).toEqual(['handshake', 'have-all', 'extended']);
    A.s.interested();
    expect(A.peerSees().at(-1)).toBe('interested');
  });

  it('after start() on an outgoing connection, waits for the peer\'s handshake too', () => {
    const A = incoming();
    A.s.start();
    A.s.interested();
    expect(A.peerSees()).toEqual(['handshake']);
    A.handshake();
    expect(A.peerSees()).toEqual(['handshake', 'have-all', 'extended', 'interested']);
  });
});
