// Messages between the hashing pool and its workers. Plain data only (structured clone); hash
// results travel as transferred ArrayBuffers, so nothing large is ever copied between threads.
import type { ChunkWork } from './chunk-hash.ts';
import type { Segment } from './layout.ts';
import type { ReadProblem } from './read-node.ts';

/** Main thread -> worker: read these segments into your buffer and hash them. */
export interface JobMessage {
  id: number;
  segments: Segment[];
  /** File path of each segment. */
  paths: string[];
  work: ChunkWork;
  /** Verify mode: report missing data instead of failing. */
  lenient: boolean;
  /** Force the @noble/hashes implementation (tests of the fallback). */
  noble: boolean;
}

/** Worker -> main thread. */
export type ResultMessage =
  | { id: number; ok: true; sha1: Uint8Array; roots: Uint8Array; problems: ReadProblem[] }
  | { id: number; ok: false; code: string; message: string; path?: string };
