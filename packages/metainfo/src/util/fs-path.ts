// Paths on their way to node:fs. A path holding escapes of non-UTF-8 bytes (util/text.ts) names a
// file only by those bytes: as text, node:fs would encode the escapes as UTF-8 and miss the file.
import { Buffer } from 'node:buffer';
import { hasEscapedBytes, textBytes } from './text.ts';

/** What node:fs is given for a path: its bytes when it holds escaped non-UTF-8 bytes, else itself. */
export function fsPath(path: string): string | Buffer {
  return hasEscapedBytes(path) ? Buffer.from(textBytes(path)) : path;
}
