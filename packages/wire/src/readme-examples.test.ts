// Runs the examples of README.md on 127.0.0.1. The code inside each marked region is copied verbatim
// from the README (keep the two in sync: the 'in sync' tests fail when they drift apart); `console`
// is a local stand-in that records what an example prints, so its results can be checked.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bitfield, PeerSession } from '@torrentkit/wire';
import { connect, listen, runSession } from '@torrentkit/wire/tcp';
import { pieceAlignedShape } from '@torrentkit/wire';

/** The `index`th ```ts block of this package's README, and this file's text, as trimmed non-empty lines. */
function readmeBlock(index: number): { block: string[]; here: string[] } {
  const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return { block: lines(blocks[index]!), here: lines(readFileSync(new URL(import.meta.url), 'utf8')) };
}

/** Fails when a README example and the copy in this file have drifted apart. */
function expectInSync(index: number): void {
  const { block, here } = readmeBlock(index);
  const imports = block.filter((l) => l.startsWith('import '));
  const body = block.filter((l) => !l.startsWith('import '));
  for (const l of imports) expect(here).toContain(l);
  const start = here.indexOf(body[0]!);
  expect(start, 'first line of the README example not found in this test').toBeGreaterThanOrEqual(0);
  expect(here.slice(start, start + body.length)).toEqual(body);
}

describe('README', () => {
  it('top example: a seeder and a leecher over 127.0.0.1 move every block', async () => {
    const logged: unknown[][] = [];
    const console = { log: (...args: unknown[]) => void logged.push(args) };

    // ---- README.md, first example (verbatim, imports above) ----
    const infoHash = new Uint8Array(20).fill(1);
    const torrent = { pieceCount: 4, pieceLength: 32768, totalLength: 4 * 32768 };
    const content = new Uint8Array(torrent.totalLength).fill(42);

    // A seeder: unchokes interested peers and serves blocks from memory.
    const server = await listen({ host: '127.0.0.1', port: 0 }, (conn) => {
      const seeder: PeerSession = new PeerSession({
        infoHash, peerId: new Uint8Array(20).fill(2), torrent, pieces: Bitfield.full(4),
        onSend: (bytes) => conn.write(bytes),
        onEvent: (e) => {
          if (e.type === 'interested') seeder.unchoke();
          if (e.type === 'request') {
            const at = e.index * torrent.pieceLength + e.begin;
            seeder.sendPiece(e.index, e.begin, content.subarray(at, at + e.length)); // header + view, no copy
          }
        },
      });
      void runSession(conn, seeder);
    });

    // A leecher: asks for every block once the seeder's bitfield arrives.
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    let received = 0;
    const leecher: PeerSession = new PeerSession({
      infoHash, peerId: new Uint8Array(20).fill(1), torrent, pieces: new Bitfield(4),
      onSend: (bytes) => conn.write(bytes),
      onEvent: (e) => {
        if (e.type === 'bitfield') {
          leecher.interested();
          for (let i = 0; i < 4; i++) for (let b = 0; b < 32768; b += 16384) leecher.request(i, b, 16384);
        }
        if (e.type === 'block' && (received += e.block.length) === torrent.totalLength) leecher.close();
      },
    });
    await runSession(conn, leecher);
    await server.close();
    console.log(`received ${received} bytes`);
    // ---- end of example ----

    expect(logged).toEqual([['received 131072 bytes']]);
    expect(leecher.closed).toBe(true);
    expect(leecher.outstanding).toBe(0);
  }, 30_000);

  it('the copy above is the README example', () => expectInSync(0));

  it('Notes, TorrentShape: pieceAlignedShape gives each file a short last piece', () => {
    // ---- README.md, Notes, pieceAlignedShape example (verbatim, import above) ----
    const torrent = pieceAlignedShape([40000, 0, 16384], 32768); // pieces of 32768, 7232 and 16384 bytes
    // ---- end of example ----
    expect(torrent.pieceCount).toBe(3);
    expect([0, 1, 2].map((i) => torrent.pieceSize!(i))).toEqual([32768, 7232, 16384]);
  });

  it('the pieceAlignedShape copy is the README example', () => expectInSync(1));
});
