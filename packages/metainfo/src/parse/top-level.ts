// The free-text and date keys of a torrent's top level, read one way for the parser and the writer
// (the writer keeps a key's original bytes exactly when its typed value is what these read back).
import type { BDict } from '@torrentkit/bencode';
import { displayText } from '../util/text.ts';
import { bytesAt, intAt } from './fields.ts';

/** `comment.utf-8` when present (what BitComet and others write next to `comment`), else `comment`. */
export function readComment(top: BDict): string | undefined {
  const bytes = bytesAt(top, 'comment.utf-8') ?? bytesAt(top, 'comment');
  return bytes === undefined ? undefined : displayText(bytes);
}

/** `created by` as display text. */
export function readCreatedBy(top: BDict): string | undefined {
  const bytes = bytesAt(top, 'created by');
  return bytes === undefined ? undefined : displayText(bytes);
}

/**
 * `creation date` in Unix seconds; undefined when absent, negative or beyond 2^53 (such values
 * are kept in `raw` and written back as they were, but are no date).
 */
export function readCreationDate(top: BDict): number | undefined {
  const date = intAt(top, 'creation date');
  return date !== undefined && Number.isSafeInteger(date) && date >= 0 ? date : undefined;
}
