// Piece hashing (BEP 3 SHA-1 pieces, BEP 52 merkle trees): the pure parts and the file hasher.
export { hashFiles } from './hash-files.ts';
export type { HashSource, HashProgress, HashOptions, HashResult, FileHashes } from './hash-files.ts';
export { startHashWorkers } from './engine.ts';
export type { EngineOptions, HashWorkers } from './engine.ts';
export { layoutFiles, planChunks, chunkSizeFor } from './layout.ts';
export type { HashMode, Layout, PlacedFile, Chunk, Segment, TreePiece } from './layout.ts';
export { BLOCK_SIZE, merkleRoot, blocksRoot, padRoot, rootFromPieceLayer, nextPow2 } from './merkle.ts';
export { hashChunk, hashChunkFrom, hashScratch, windowFor, pageAlignedBytes, WINDOW_SIZE, MAX_WINDOW_SIZE } from './chunk-hash.ts';
export type { ChunkWork, ChunkHashes, ChunkSource, HashScratch } from './chunk-hash.ts';
export { defaultDigests, loadNobleDigests, setFallbackDigests } from './digest.ts';
export type { Digests, HashStream } from './digest.ts';
export type { HashErrorCode } from './errors.ts';
