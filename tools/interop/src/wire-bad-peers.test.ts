// Bad peers (issue 5, part 4): a downloader built of @torrentkit/wire + @torrentkit/storage talks to
// one honest seeder and several misbehaving peers at once. Every bad peer must be dropped for its own
// offence, the honest connection must carry the download to the end, and the data on disk must be
// exactly the torrent's (verified again from disk afterwards).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '@torrentkit/bencode';
import { MemoryStore, Storage, createLayout, verify } from '@torrentkit/storage';
import { FileStore } from '@torrentkit/storage/file-store';
import { download } from './wire-downloader.ts';
import { FakePeer, type Misbehaviour } from './wire-fake-peer.ts';
import { parseInfo, type InfoSummary } from './wire-info.ts';
import { Seeder } from './wire-seeder.ts';

const PIECE = 64 * 1024;
const FILES = [
  { path: ['a.bin'], length: 1_000_000 },
  { path: ['empty'], length: 0 },
  { path: ['d', 'b.bin'], length: 2_997_000 },
];

let dir = '';
let info: InfoSummary;
let content: Uint8Array[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-bad-peers-'));
  content = FILES.map((f) => new Uint8Array(randomBytes(f.length)));
  const stream = Buffer.concat(content);
  const count = Math.ceil(stream.length / PIECE);
  const pieces = new Uint8Array(count * 20);
  for (let i = 0; i < count; i++) pieces.set(createHash('sha1').update(stream.subarray(i * PIECE, (i + 1) * PIECE)).digest(), i * 20);
  const infoBytes = encode({
    name: 'bad',
    'piece length': PIECE,
    pieces,
    files: FILES.map((f) => ({ path: f.path, length: f.length })),
  });
  info = parseInfo(infoBytes);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function honestSeeder(): Promise<{ seeder: Seeder; port: number }> {
  const layout = createLayout(info.layout);
  const storage = new Storage(layout, new MemoryStore(layout, { files: content }));
  const seeder = new Seeder({ infoHash: info.infoHash, infoBytes: info.infoBytes, storage, fast: true });
  return { seeder, port: await seeder.listen() };
}

const expectedDrop: Record<Misbehaviour, RegExp> = {
  garbage: /^WIRE_(BAD_LENGTH|MESSAGE_TOO_LONG|BAD_INDEX|BAD_BITFIELD|NOT_NEGOTIATED|BAD_EXTENSION|INFO_HASH_MISMATCH|BAD_PROTOCOL)|^violation/,
  'spare-bits': /^WIRE_BAD_BITFIELD/,
  'wrong-data': /failed its hash check/,
  unrequested: /violation WIRE_UNEXPECTED_MESSAGE: block never requested/,
  // The session reports the block's request as failed ('invalid') before its violation (wire since
  // 3a79585), and the downloader drops on whichever comes first.
  'wrong-length': /^wrong-length block for \(\d+, 0\)$|violation WIRE_BAD_REQUEST: block of 16383 bytes/,
  silent: /request timed out/,
};

describe('bad peers', () => {
  it('drops each misbehaving peer for its own offence and completes from the honest one', async () => {
    const { seeder, port } = await honestSeeder();
    const kinds: Misbehaviour[] = ['garbage', 'spare-bits', 'wrong-data', 'unrequested', 'wrong-length', 'silent'];
    const fakes = kinds.map((k) => new FakePeer(k, info.infoHash, info.pieceCount));
    const fakePorts = await Promise.all(fakes.map((f) => f.listen()));
    const out = join(dir, 'out');
    try {
      // The bad peers come first so they get pieces assigned before the honest one.
      const res = await download({
        infoHash: info.infoHash,
        infoBytes: info.infoBytes,
        peers: [...fakePorts.map((p) => ({ host: '127.0.0.1', port: p })), { host: '127.0.0.1', port }],
        fast: true,
        pipeline: 8,
        requestTimeoutMs: 1500,
        timeoutMs: 30_000,
        store: (layout) => new FileStore(layout, { root: out }),
      });
      await res.storage.close();
      for (let i = 0; i < kinds.length; i++) {
        console.log(`bad peer ${kinds[i]}: dropped (${res.peers[i]!.dropped})`);
        expect(res.peers[i]!.dropped, kinds[i]).toMatch(expectedDrop[kinds[i]!]);
      }
      const honest = res.peers[kinds.length]!;
      expect(honest.dropped).toBe('done');
      expect(honest.blocks).toBeGreaterThan(0);
      expect(res.have.complete).toBe(true);
      // Every file byte for byte, and a recheck from disk agrees.
      FILES.forEach((f, i) => expect(Buffer.compare(readFileSync(join(out, 'bad', ...f.path)), content[i]!), f.path.join('/')).toBe(0));
      const layout = createLayout(info.layout);
      const fromDisk = new Storage(layout, new FileStore(layout, { root: out, readOnly: true }));
      expect((await verify(fromDisk, info.pieces)).complete).toBe(true);
      await fromDisk.close();
    } finally {
      await Promise.all(fakes.map((f) => f.close()));
      await seeder.close();
    }
  }, 60_000);

  it('an unrequested block for a piece already on disk is dropped without touching the file', async () => {
    const { seeder, port } = await honestSeeder();
    const out = join(dir, 'out2');
    try {
      const first = await download({
        infoHash: info.infoHash,
        infoBytes: info.infoBytes,
        peers: [{ host: '127.0.0.1', port }],
        fast: false,
        store: (layout) => new FileStore(layout, { root: out }),
      });
      await first.storage.close();
      const before = readFileSync(join(out, 'bad', 'a.bin'));
      rmSync(join(out, 'bad', 'd', 'b.bin'));
      // A second session over the same files: the recheck finds a.bin's pieces good and b.bin's missing;
      // the only peer answers the first request with a block of piece 0, which is already on disk.
      const liar = new FakePeer('unrequested', info.infoHash, info.pieceCount, 0);
      const liarPort = await liar.listen();
      await expect(
        download({
          infoHash: info.infoHash,
          infoBytes: info.infoBytes,
          peers: [{ host: '127.0.0.1', port: liarPort }],
          fast: false,
          recheck: true,
          pipeline: 1,
          timeoutMs: 10_000,
          store: (layout) => new FileStore(layout, { root: out }),
        }),
      ).rejects.toThrow(/block never requested/);
      expect(liar.requestsSeen).toBe(1);
      await liar.close();
      expect(Buffer.compare(readFileSync(join(out, 'bad', 'a.bin')), before)).toBe(0);
    } finally {
      await seeder.close();
    }
  }, 60_000);
});
