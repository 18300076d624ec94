// @torrentkit/storage: pieces to files (BEP 3 v1 with BEP 47 pad files, BEP 52 v2 aligned files),
// block I/O across file boundaries, memory store, verify and fast resume. The node:fs file store is in
// the `@torrentkit/storage/file-store` entry so edge code never imports node built-ins.
export { StorageError, type StorageErrorCode } from './errors.ts';
export { Layout, createLayout, layoutFromTorrent, type LayoutInput, type LayoutFileInput, type LayoutFile, type Span } from './layout.ts';
export { Bitfield } from './bitfield.ts';
export type { Store, FileStat } from './backend.ts';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { Storage } from './storage.ts';
export { sha1Pieces, type PieceHasher } from './hash.ts';
export { verify, type VerifyOptions, type ExpectedHashes } from './verify.ts';
export { resume, createResumeRecord, type ResumeRecord, type ResumeResult, type ResumeOptions, type TorrentHashes } from './resume.ts';
export { encodeResumeRecord, decodeResumeRecord } from './resume-codec.ts';
export { assertSafeComponents } from './safe-path.ts';
