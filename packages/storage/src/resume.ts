// Fast resume: remember which pieces were good together with each file's size and mtime. On restart,
// files whose size and mtime still match are trusted; the pieces of any file that changed (or vanished)
// are hashed again. Nothing is trusted when the record does not fit the torrent.
import { Bitfield } from './bitfield.ts';
import type { FileStat } from './backend.ts';
import type { Storage } from './storage.ts';
import { verify as verifyStorage, type ExpectedHashes, type VerifyOptions } from './verify.ts';

/** Options for {@link resume}: verify options, plus the verifier to use (default {@link verify}). */
export interface ResumeOptions extends Omit<VerifyOptions, 'pieces' | 'into'> {
  /** Replaces the in-process recheck, e.g. with `verifyFiles` from the file-store entry (all cores). */
  verifier?: (storage: Storage, expected: ExpectedHashes, options: VerifyOptions) => Promise<Bitfield>;
}

/** What a client saves at shutdown (or after each completed piece) to skip the recheck next time. */
export interface ResumeRecord {
  pieceLength: number;
  pieceCount: number;
  /** BEP 3 bitfield bytes of the pieces known good. */
  bitfield: Uint8Array;
  /** Per layout file: what the store reported when the record was taken (null: file absent). */
  files: (FileStat | null)[];
}

/** Result of {@link resume}. */
export interface ResumeResult {
  bitfield: Bitfield;
  /** True when the record was missing or did not fit, so every piece was hashed. */
  fullRecheck: boolean;
  /** Pieces that were hashed (all of them on a full recheck). */
  rechecked: number;
  /** Indices of files whose size or mtime differed from the record. */
  changedFiles: number[];
}

/** Takes a resume record of `bitfield` against the store's current files. Call after `flush()`. */
export async function createResumeRecord(storage: Storage, bitfield: Bitfield): Promise<ResumeRecord> {
  const files = await Promise.all(storage.layout.files.map(async (f) => (f.pad ? null : ((await storage.store.stat(f.index)) ?? null))));
  return {
    pieceLength: storage.layout.pieceLength,
    pieceCount: storage.layout.pieceCount,
    bitfield: bitfield.bytes.slice(),
    files: files.map((s) => (s ? { size: s.size, mtimeMs: s.mtimeMs } : null)),
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
    spareBitsClear(record.bitfield, layout.pieceCount);
  if (!fits) {
    const bitfield = await verify(storage, expected, options);
    return { bitfield, fullRecheck: true, rechecked: layout.pieceCount, changedFiles: [] };
  }
  const now = await Promise.all(layout.files.map((f) => (f.pad ? undefined : storage.store.stat(f.index))));
  const changedFiles: number[] = [];
  for (const f of layout.files) {
    if (f.pad) continue;
    const was = record.files[f.index] ?? null;
    const is = now[f.index] ?? null;
    // mtimes compared in whole microseconds: what a bencoded record keeps (see resume-codec.ts)
    const same = was === null ? is === null : is !== null && was.size === is.size && Math.round(was.mtimeMs * 1000) === Math.round(is.mtimeMs * 1000);
    if (!same) changedFiles.push(f.index);
  }
  const bitfield = new Bitfield(layout.pieceCount, record.bitfield.slice());
  if (changedFiles.length === 0) return { bitfield, fullRecheck: false, rechecked: 0, changedFiles };
  const pieces = new Set<number>();
  for (const i of changedFiles) {
    const range = layout.piecesOfFile(i);
    if (!range) continue;
    for (let p = range[0]; p <= range[1]; p++) pieces.add(p);
  }
  await verify(storage, expected, { ...options, pieces, into: bitfield });
  return { bitfield, fullRecheck: false, rechecked: pieces.size, changedFiles };
}

function spareBitsClear(bytes: Uint8Array, count: number): boolean {
  const spare = bytes.length * 8 - count;
  if (spare === 0) return true;
  return (bytes[bytes.length - 1]! & ((1 << spare) - 1)) === 0;
}
