import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileStat, Store } from './backend.ts';
import { Bitfield } from './bitfield.ts';
import { FileStore } from './file-store.ts';
import { createLayout, type Layout } from './layout.ts';
import { MemoryStore } from './memory-store.ts';
import { createResumeRecord, resume, type ResumeRecord } from './resume.ts';
import { decodeResumeRecord, encodeResumeRecord } from './resume-codec.ts';
import { Storage } from './storage.ts';
import { fixture, layout } from './test-layout.ts';

// A MemoryStore whose files get the mtime the test chooses, so "modified long before the record" and
// "modified in the same second as the record" do not depend on how fast the test runs.
class ClockStore implements Store {
  readonly inner: MemoryStore;
  clock: number;
  readonly #mtime = new Map<number, number>();
  constructor(lay: Layout, files: readonly (Uint8Array | undefined)[], clock: number) {
    this.inner = new MemoryStore(lay, { files: files.map((f, i) => (lay.files[i]!.pad ? undefined : f)) });
    this.clock = clock;
    files.forEach((f, i) => f && this.#mtime.set(i, clock));
  }
  read(file: number, position: number, target: Uint8Array): Promise<number> {
    return this.inner.read(file, position, target);
  }
  async write(file: number, position: number, data: Uint8Array): Promise<void> {
    await this.inner.write(file, position, data);
    this.#mtime.set(file, this.clock);
  }
  async stat(file: number): Promise<FileStat | undefined> {
    const s = await this.inner.stat(file);
    return s && { size: s.size, mtimeMs: this.#mtime.get(file) ?? 0 };
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const longAgo = () => Date.now() - 3_600_000 + 0.123456;
const bits = (b: Bitfield) => Array.from({ length: b.length }, (_, p) => b.has(p));
const roundTrip = (r: ResumeRecord): ResumeRecord => decodeResumeRecord(encodeResumeRecord(r))!;

describe('resume', () => {
  it('skips the recheck when nothing changed and rechecks only changed files', async () => {
    const { files, pieces } = await fixture();
    const store = new ClockStore(layout, files, longAgo());
    const s = new Storage(layout, store);
    const first = await resume(s, pieces, undefined);
    expect(first.fullRecheck).toBe(true);
    expect(first.bitfield.complete).toBe(true);
    const record = await createResumeRecord(s, first.bitfield, pieces);

    // through bytes and back, as a client would persist it
    const again = await resume(s, pieces, roundTrip(record));
    expect(again).toMatchObject({ fullRecheck: false, rechecked: 0, changedFiles: [] });
    expect(again.bitfield.complete).toBe(true);

    // Change file c (piece 3): only that piece is hashed again and found bad.
    store.clock += 5000;
    await store.write(3, 0, Uint8Array.of(99));
    const changed = await resume(s, pieces, record);
    expect(changed).toMatchObject({ fullRecheck: false, rechecked: 1, changedFiles: [3] });
    expect(bits(changed.bitfield)).toEqual([true, true, true, false]);
  });

  it('forces a full recheck when the record does not fit', async () => {
    const { files, pieces } = await fixture();
    const s = new Storage(layout, new ClockStore(layout, files, longAgo()));
    const record = await createResumeRecord(s, new Bitfield(layout.pieceCount), pieces);
    const res = await resume(s, pieces, { ...record, pieceLength: 64 });
    expect(res.fullRecheck).toBe(true);
    expect(res.bitfield.complete).toBe(true);
    const spare = await resume(s, pieces, { ...record, bitfield: Uint8Array.of(0xff) });
    expect(spare.fullRecheck).toBe(true);
  });

  it('forces a full recheck when the piece hashes changed (same layout)', async () => {
    const { files, pieces } = await fixture();
    const s = new Storage(layout, new ClockStore(layout, files, longAgo()));
    const record = roundTrip(await createResumeRecord(s, Bitfield.full(layout.pieceCount), pieces));
    const other = (await fixture(layout, 1)).pieces; // another torrent cut the same way
    const res = await resume(s, other, record);
    expect(res).toMatchObject({ fullRecheck: true, rechecked: 4 });
    expect(res.bitfield.count).toBe(0);
    // the same hashes as a per-piece function identify the same torrent
    const fn = (p: number) => pieces.subarray(p * 20, p * 20 + 20);
    expect(await resume(s, fn, record)).toMatchObject({ fullRecheck: false, rechecked: 0 });
  });

  it('forces a full recheck when file lengths or paths changed (same piece length, count and file count)', async () => {
    const one = createLayout({ pieceLength: 16, files: [{ path: ['x'], length: 16 }, { path: ['y'], length: 48 }] });
    const two = createLayout({ pieceLength: 16, files: [{ path: ['x'], length: 32 }, { path: ['y'], length: 32 }] });
    const renamed = createLayout({ pieceLength: 16, files: [{ path: ['x'], length: 16 }, { path: ['z'], length: 48 }] });
    const { files, pieces } = await fixture(one);
    const s1 = new Storage(one, new ClockStore(one, files, longAgo()));
    const record = roundTrip(await createResumeRecord(s1, Bitfield.full(4), pieces));
    const f2 = await fixture(two, 3);
    // a store holding the old files, of the sizes the old record saw
    const res = await resume(new Storage(two, new ClockStore(two, files, longAgo())), f2.pieces, { ...record });
    expect(res).toMatchObject({ fullRecheck: true, rechecked: 4 });
    expect(res.bitfield.count).toBe(0);
    const moved = await resume(new Storage(renamed, new ClockStore(renamed, files, longAgo())), pieces, record);
    expect(moved.fullRecheck).toBe(true);
  });

  it('does not trust claimed pieces of files the record itself lists as absent', async () => {
    const { pieces } = await fixture();
    const s = new Storage(layout, new ClockStore(layout, [], longAgo()));
    const honest = await createResumeRecord(s, new Bitfield(layout.pieceCount), pieces);
    expect(honest.files).toEqual([null, null, null, null]);
    // forged: every piece good, no file on disk then or now
    const forged = roundTrip({ ...honest, bitfield: Bitfield.full(layout.pieceCount).bytes });
    const res = await resume(s, pieces, forged);
    expect(res).toMatchObject({ fullRecheck: false, rechecked: 4, changedFiles: [] });
    expect(res.bitfield.count).toBe(0);
  });

  it('does not trust a claimed piece that the recorded file size does not cover', async () => {
    const { files, pieces } = await fixture();
    // b holds only its first 10 bytes (then and now): pieces 2 and 3 cannot have been good
    const short = files.map((f, i) => (i === 2 ? f.subarray(0, 10) : f));
    const s = new Storage(layout, new ClockStore(layout, short, longAgo()));
    const forged = roundTrip(await createResumeRecord(s, Bitfield.full(layout.pieceCount), pieces));
    const res = await resume(s, pieces, forged);
    expect(res).toMatchObject({ fullRecheck: false, rechecked: 2, changedFiles: [] });
    expect(bits(res.bitfield)).toEqual([true, true, false, false]);
  });

  it('rechecks files modified within an mtime tick of the record (same-size edits could hide there)', async () => {
    const { files, pieces } = await fixture();
    const second = 1_700_000_001_000; // an odd whole second: a 1 s file system
    const store = new ClockStore(layout, files, second);
    const s = new Storage(layout, store);
    const record = await createResumeRecord(s, Bitfield.full(layout.pieceCount), pieces);
    // a same-size edit of b in the same second as the record: size and mtime still match
    await store.write(2, 0, Uint8Array.of(files[2]![0]! ^ 1));
    const racy = await resume(s, pieces, roundTrip({ ...record, recordedAtMs: second + 400 }));
    expect(racy.changedFiles).toEqual([0, 2, 3]);
    expect(bits(racy.bitfield)).toEqual([true, true, false, true]);
    // the record taken a full second later: any later edit gets a later mtime, so nothing is hashed
    expect(await resume(s, pieces, roundTrip({ ...record, recordedAtMs: second + 1000 }))).toMatchObject({ rechecked: 0, changedFiles: [] });
    await store.write(2, 0, files[2]!.subarray(0, 1));
    // FAT keeps even seconds: 2 s
    store.clock = second + 1000;
    for (const i of [0, 2, 3]) await store.write(i, 0, files[i]!.subarray(0, 1));
    const fat = await createResumeRecord(s, Bitfield.full(layout.pieceCount), pieces);
    expect((await resume(s, pieces, { ...fat, recordedAtMs: second + 2500 })).changedFiles).toEqual([0, 2, 3]);
    expect((await resume(s, pieces, { ...fat, recordedAtMs: second + 3000 })).changedFiles).toEqual([]);
    // fine-grained mtimes still advance with a coarse kernel clock
    store.clock = second + 1234.5678;
    for (const i of [0, 2, 3]) await store.write(i, 0, files[i]!.subarray(0, 1));
    const fine = await createResumeRecord(s, Bitfield.full(layout.pieceCount), pieces);
    expect((await resume(s, pieces, { ...fine, recordedAtMs: second + 1250 })).changedFiles).toEqual([0, 2, 3]);
    expect((await resume(s, pieces, { ...fine, recordedAtMs: second + 1300 })).changedFiles).toEqual([]);
    // an mtime after the record is never trusted
    expect((await resume(s, pieces, { ...fine, recordedAtMs: second })).changedFiles).toEqual([0, 2, 3]);
  });

  it('matches v2 records by the files\' pieces roots when passed as `hashes`', async () => {
    const { files, pieces } = await fixture();
    const s = new Storage(layout, new ClockStore(layout, files, longAgo()));
    const roots = { piecesRoots: layout.files.map((f) => (f.pad ? undefined : new Uint8Array(32).fill(f.index + 1))) };
    const record = roundTrip(await createResumeRecord(s, Bitfield.full(layout.pieceCount), roots));
    const none = () => undefined;
    expect(await resume(s, none, record, { hashes: roots })).toMatchObject({ fullRecheck: false, rechecked: 0 });
    const other = { piecesRoots: roots.piecesRoots.map((r) => r && r.map((b) => b ^ 1)) };
    expect(await resume(s, none, record, { hashes: other })).toMatchObject({ fullRecheck: true });
    // without `hashes`, `expected` (here: no hashes at all) does not identify the torrent
    expect(await resume(s, none, record)).toMatchObject({ fullRecheck: true });
    await expect(createResumeRecord(s, Bitfield.full(layout.pieceCount), undefined as unknown as Uint8Array)).rejects.toMatchObject({ code: 'STORAGE_INVALID_LAYOUT' });
  });

  it('records the time of the record and refuses a bitfield of another size', async () => {
    const { files, pieces } = await fixture();
    const s = new Storage(layout, new ClockStore(layout, files, longAgo()));
    const before = Date.now();
    const record = await createResumeRecord(s, new Bitfield(layout.pieceCount), pieces);
    expect(record.recordedAtMs).toBeGreaterThanOrEqual(before);
    expect(record.recordedAtMs).toBeLessThanOrEqual(Date.now());
    await expect(createResumeRecord(s, new Bitfield(3), pieces)).rejects.toMatchObject({ code: 'STORAGE_INVALID_LAYOUT' });
  });

  it('forces a full recheck for a record without the torrent digest (an old in-memory record)', async () => {
    const { files, pieces } = await fixture();
    const s = new Storage(layout, new ClockStore(layout, files, longAgo()));
    const record = await createResumeRecord(s, Bitfield.full(layout.pieceCount), pieces);
    const { torrent: _, ...old } = record;
    expect(await resume(s, pieces, old as unknown as ResumeRecord)).toMatchObject({ fullRecheck: true });
  });
});

describe('resume on a FileStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-resume-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function seeded(): Promise<{ pieces: Uint8Array; record: ResumeRecord }> {
    const { files, pieces } = await fixture();
    mkdirSync(join(dir, 'root'));
    const old = new Date(Date.now() - 3_600_000);
    for (const f of layout.files) {
      if (f.pad) continue;
      writeFileSync(join(dir, 'root', f.path[0]!), files[f.index]!);
      utimesSync(join(dir, 'root', f.path[0]!), old, old);
    }
    const store = new FileStore(layout, { root: join(dir, 'root') });
    const record = await createResumeRecord(new Storage(layout, store), Bitfield.full(layout.pieceCount), pieces);
    await store.close();
    return { pieces, record: roundTrip(record) };
  }

  it('trusts unchanged files across a restart', async () => {
    const { pieces, record } = await seeded();
    const store = new FileStore(layout, { root: join(dir, 'root') });
    expect(await resume(new Storage(layout, store), pieces, record)).toMatchObject({ fullRecheck: false, rechecked: 0 });
    await store.close();
  });

  it('treats a directory in place of a file as changed instead of failing', async () => {
    const { pieces, record } = await seeded();
    rmSync(join(dir, 'root', 'c'));
    mkdirSync(join(dir, 'root', 'c'));
    const store = new FileStore(layout, { root: join(dir, 'root') });
    const res = await resume(new Storage(layout, store), pieces, record);
    expect(res).toMatchObject({ fullRecheck: false, changedFiles: [3] });
    expect(bits(res.bitfield)).toEqual([true, true, true, false]);
    await store.close();
  });

  it('waits out the mtime tick of files just written, so a record taken at shutdown is trusted', async () => {
    const { files, pieces } = await fixture();
    const store = new FileStore(layout, { root: join(dir, 'root') });
    const storage = new Storage(layout, store);
    for (const f of layout.files) if (!f.pad) await store.write(f.index, 0, files[f.index]!);
    await store.flush();
    // straight after the last write, as a client does when it shuts down
    const record = roundTrip(await createResumeRecord(storage, Bitfield.full(layout.pieceCount), pieces));
    expect(await resume(storage, pieces, record)).toMatchObject({ fullRecheck: false, rechecked: 0, changedFiles: [] });
    await store.close();
  });

  it('records a file it cannot examine as absent', async () => {
    const { pieces } = await fixture();
    mkdirSync(join(dir, 'root', 'a'), { recursive: true });
    const store = new FileStore(layout, { root: join(dir, 'root') });
    const record = await createResumeRecord(new Storage(layout, store), new Bitfield(layout.pieceCount), pieces);
    expect(record.files[0]).toBeNull();
    await store.close();
  });
});
