// Shared helpers for this package's tests (not exported from the package).
import { BencodeError, type BencodeErrorCode } from './errors.ts';

export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** Runs `fn` and returns the BencodeError it threw; fails if it threw anything else or nothing. */
export function bencodeErrorOf(fn: () => unknown): BencodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BencodeError) return err;
    throw new Error(`expected a BencodeError, got ${String(err)}`);
  }
  throw new Error('expected a BencodeError, nothing was thrown');
}

export function expectCode(fn: () => unknown, code: BencodeErrorCode, offset?: number): BencodeError {
  const err = bencodeErrorOf(fn);
  if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
  if (offset !== undefined && err.offset !== offset) throw new Error(`expected ${code} at offset ${offset}, got ${err.offset}`);
  return err;
}

/** Byte equality without per-element assertion overhead (large fixtures). */
export function equalBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
