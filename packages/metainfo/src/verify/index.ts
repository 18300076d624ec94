// Checking data on disk against a torrent.
export { verifyTorrent, hasPiece } from './verify.ts';
export type { VerifiableTorrent, VerifyOptions, VerifyResult } from './verify.ts';
export { createFileLocator } from './locate.ts';
export type { FileLocation, FileLocator, FileLocatorOptions, UnavailableFile } from './locate.ts';
