// Fast resume: remember which pieces were good together with each file's size and mtime. On restart,
// files whose size and mtime still match are trusted; the pieces of any file that changed (or vanished)
// are hashed again. Nothing is trusted when the record was made for another torrent or layout (the
// record carries a digest of both), and a claimed piece is trusted only if every file it touches was
// big enough for it when the record was taken: a record is input, and may be stale or forged.
import { encode } from '@torrentkit/bencode';
import { Bitfield } from './bitfield.ts';
import type { FileStat } from './backend.ts';
import { StorageError } from './errors.ts';
import { equalBytes } from './hash.ts';
import type { Layout } from './layout.ts';
import type { Storage } from './storage.ts';
import { verify as verifyStorage, type ExpectedHashes, type VerifyOptions } from './verify.ts';

/**
 * What identifies a torrent's content: its v1 piece hashes (20 bytes each, concatenated), a function
 * returning the expected hash of piece `i`, or BEP 52 `piecesRoots` per layout file (a `V2Hashes`).
 */
export type TorrentHashes = ExpectedHashes | { readonly piecesRoots: readonly (Uint8Array | undefined)[] };

/** Options for {@link resume}: verify options, plus the verifier to use (default {@link verify}). */
export interface ResumeOptions extends Omit<VerifyOptions, 'pieces' | 'into'> {
  /** Replaces the in-process recheck, e.g. with `verifyFiles` from the file-store entry (all cores). */
  verifier?: (storage: Storage, expected: ExpectedHashes, options: VerifyOptions) => Promise<Bitfield>;
  /**
   * The hashes the record is matched against when `expected` does not carry them (a v2 recheck by
   * `verifyFiles` passes its `V2Hashes` here). Default: `expected`. Must be what was given to
   * {@link createResumeRecord}.
   */
  hashes?: TorrentHashes;
}

/** What a client saves at shutdown (or after each completed piece) to skip the recheck next time. */
export interface ResumeRecord {
  /** SHA-256 over the layout (piece length, file paths, lengths, pad flags) and the piece hashes. */
  torrent: Uint8Array;
  pieceLength: number;
  pieceCount: number;
  /** BEP 3 bitfield bytes of the pieces known good. */
  bitfield: Uint8Array;
  /** Per layout file: what the store reported when the record was taken (null: file absent). */
  files: (FileStat | null)[];
  /** When the record was taken (ms since the epoch): files modified just before are not trusted. */
  recordedAtMs: number;
}

/** Result of {@link resume}. */
export interface ResumeResult {
  bitfield: Bitfield;
  /** True when the record was missing or did not fit, so every piece was hashed. */
  fullRecheck: boolean;
  /**
   * Pieces that were hashed (all of them on a full recheck). Pieces of a file the store cannot examine
   * are marked missing without hashing.
   */
  rechecked: number;
  /**
   * Indices of files whose pieces were all hashed again: their size or mtime differed from the record,
   * they could not be examined (e.g. a directory in their place), or they were modified so close to the
   * time of the record that a later same-size edit could share their mtime.
   */
  changedFiles: number[];
}

/**
 * Takes a resume record of `bitfield` against the store's current files. Call after `flush()`.
 * `hashes` are the torrent's piece hashes (or v2 roots): the record is only ever used for that torrent.
 * A file written within one mtime tick of now (typically the last ones written before shutdown) would
 * be rechecked in full on resume, since a later edit could still share its mtime: the call waits for
 * that tick to pass first (at most about 2 s, on FAT; 50 ms on file systems with fine mtimes).
 */
export async function createResumeRecord(storage: Storage, bitfield: Bitfield, hashes: TorrentHashes): Promise<ResumeRecord> {
  const { layout } = storage;
  // JavaScript callers of the two-argument form would otherwise get a record that never matches
  if (hashes === undefined || hashes === null) throw new StorageError('STORAGE_INVALID_LAYOUT', 'createResumeRecord needs the torrent\'s hashes');
  if (bitfield.length !== layout.pieceCount) {
    throw new StorageError('STORAGE_INVALID_LAYOUT', `bitfield has ${bitfield.length} bits, torrent ${layout.pieceCount} pieces`);
  }
  const take = async (): Promise<{ at: number; files: (FileStat | null | undefined)[] }> => {
    // Taken before the stats: an earlier time only makes more files count as modified too recently.
    const at = Date.now();
    return { at, files: await Promise.all(layout.files.map((f) => (f.pad ? Promise.resolve(null) : statOrUnknown(storage, f.index)))) };
  };
  let { at: recordedAtMs, files } = await take();
  // Once: a file still being written, or an mtime in the future (clock skew), is not worth more waiting.
  const wait = Math.max(0, ...files.map((s) => (s ? s.mtimeMs + tickOf(s.mtimeMs) - recordedAtMs : 0)));
  if (wait > 0 && wait <= MAX_TICK_MS) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait) + 1));
    ({ at: recordedAtMs, files } = await take());
  }
  return {
    torrent: await torrentDigest(layout, hashes),
    pieceLength: layout.pieceLength,
    pieceCount: layout.pieceCount,
    bitfield: bitfield.bytes.slice(),
    // a file that cannot be examined is recorded as absent, so none of its pieces is trusted
    files: files.map((s) => (s ? { size: s.size, mtimeMs: s.mtimeMs } : null)),
    recordedAtMs,
  };
}

/**
 * Restores the bitfield from `record` when the files are unchanged, rechecks only the pieces of changed
 * files, and falls back to a full {@link verify} when there is no usable record.
 */
export async function resume(
  storage: Storage,
  expected: ExpectedHashes,
  record: ResumeRecord | undefined,
  options: ResumeOptions = {},
): Promise<ResumeResult> {
  const { layout } = storage;
  const verify = options.verifier ?? verifyStorage;
  const fits =
    record !== undefined &&
    record.pieceLength === layout.pieceLength &&
    record.pieceCount === layout.pieceCount &&
    record.files.length === layout.files.length &&
    record.bitfield.length === Math.ceil(layout.pieceCount / 8) &&
    spareBitsClear(record.bitfield, layout.pieceCount) &&
    record.torrent instanceof Uint8Array &&
    equalBytes(record.torrent, await torrentDigest(layout, options.hashes ?? expected));
  if (!fits) {
    const bitfield = await verify(storage, expected, options);
    return { bitfield, fullRecheck: true, rechecked: layout.pieceCount, changedFiles: [] };
  }
  const now = await Promise.all(layout.files.map((f) => (f.pad ? Promise.resolve(null) : statOrUnknown(storage, f.index))));
  const changedFiles: number[] = [];
  const unreadable = new Set<number>();
  // Per file: the size the record vouches for, or -1 when none of its bytes may be trusted.
  const trusted = layout.files.map((f) => {
    if (f.pad) return f.length;
    const was = record.files[f.index] ?? null;
    const is = now[f.index];
    if (is === undefined) unreadable.add(f.index);
    if (was === null) {
      // absent then: no piece of it can have been good; present now (or unknown): its pieces may be
      if (is !== null) changedFiles.push(f.index);
      return -1;
    }
    const same = is !== null && is !== undefined && was.size === is.size && micros(was.mtimeMs) === micros(is.mtimeMs);
    if (!same || racy(was.mtimeMs, record.recordedAtMs)) {
      changedFiles.push(f.index);
      return -1;
    }
    return was.size;
  });

  const bitfield = new Bitfield(layout.pieceCount, record.bitfield.slice());
  const pieces = new Set<number>();
  for (const i of changedFiles) {
    const range = layout.piecesOfFile(i);
    if (!range) continue;
    for (let p = range[0]; p <= range[1]; p++) pieces.add(p);
  }
  // A claimed piece needs every byte it covers to have been on disk when the record was taken.
  for (let p = 0; p < layout.pieceCount; p++) {
    if (!bitfield.has(p) || pieces.has(p)) continue;
    const covered = layout.spans(p, 0, layout.pieceSize(p)).every((s) => s.pad || trusted[s.file]! >= s.position + s.length);
    if (!covered) pieces.add(p);
  }
  // No data can be read from a file the store cannot even stat: its pieces are missing, not hashed.
  for (const i of unreadable) {
    const range = layout.piecesOfFile(i);
    if (!range) continue;
    for (let p = range[0]; p <= range[1]; p++) {
      bitfield.set(p, false);
      pieces.delete(p);
    }
  }
  if (pieces.size === 0) return { bitfield, fullRecheck: false, rechecked: 0, changedFiles };
  await verify(storage, expected, { ...options, pieces, into: bitfield });
  return { bitfield, fullRecheck: false, rechecked: pieces.size, changedFiles };
}

/**
 * Whether a file modified at `mtimeMs` may have been modified again, within the same mtime tick, after a
 * record taken at `recordedAtMs` (git's "racy" index entries). The tick is guessed from the mtime: whole
 * even seconds may come from FAT (2 s), whole seconds from ext3, HFS+ or many network shares (1 s);
 * finer mtimes still advance with a coarse kernel clock (Linux jiffies, Windows' ~15.6 ms timer).
 */
function racy(mtimeMs: number, recordedAtMs: number): boolean {
  return !(mtimeMs + tickOf(mtimeMs) <= recordedAtMs);
}

const MAX_TICK_MS = 2000;

function tickOf(mtimeMs: number): number {
  const us = micros(mtimeMs);
  return us % 2_000_000 === 0 ? MAX_TICK_MS : us % 1_000_000 === 0 ? 1000 : 50;
}

// mtimes compared in whole microseconds: what a bencoded record keeps (see resume-codec.ts)
function micros(ms: number): number {
  return Math.round(ms * 1000);
}

// A store that cannot stat a file (STORAGE_IO: e.g. a directory where the file should be) makes it
// unknown (undefined): changed, with every piece that touches it missing.
async function statOrUnknown(storage: Storage, file: number): Promise<FileStat | null | undefined> {
  try {
    return (await storage.store.stat(file)) ?? null;
  } catch (e) {
    if (e instanceof StorageError && e.code === 'STORAGE_IO') return undefined;
    throw e;
  }
}

/** SHA-256 of the layout and the piece hashes: equal digests mean the same torrent cut the same way. */
async function torrentDigest(layout: Layout, hashes: TorrentHashes): Promise<Uint8Array> {
  let content: Uint8Array[];
  let kind: string;
  if (hashes instanceof Uint8Array || typeof hashes === 'function') {
    // v1 bytes and a per-piece function over the same hashes give the same digest
    kind = 'pieces';
    const at = (p: number): Uint8Array | undefined => (hashes instanceof Uint8Array ? hashes.subarray(p * 20, p * 20 + 20) : hashes(p));
    content = [];
    for (let p = 0; p < layout.pieceCount; p++) content.push(at(p) ?? new Uint8Array(0));
    // v1 bytes of the wrong length never match anything: make them part of what is hashed
    if (hashes instanceof Uint8Array && hashes.length !== layout.pieceCount * 20) content.push(hashes);
  } else {
    kind = 'roots';
    content = layout.files.map((f) => hashes.piecesRoots[f.index] ?? new Uint8Array(0));
  }
  const description = encode({
    version: layout.version,
    'piece length': layout.pieceLength,
    'piece count': layout.pieceCount,
    files: layout.files.map((f) => [f.pad ? 1 : 0, f.length, [...f.path]]),
    kind,
    hashes: await sha256(concatLengthPrefixed(content)),
  });
  return sha256(description);
}

function concatLengthPrefixed(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

function spareBitsClear(bytes: Uint8Array, count: number): boolean {
  const spare = bytes.length * 8 - count;
  if (spare === 0) return true;
  return (bytes[bytes.length - 1]! & ((1 << spare) - 1)) === 0;
}
