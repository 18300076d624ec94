// Checks of what decode is given, done once per call: every failure is a BencodeError, as the README
// promises, and never a TypeError from an engine or a limit silently switched off.
import { BencodeError } from './errors.ts';

/**
 * A limit option: a non-negative integer or Infinity; null or undefined is the default. Anything else
 * (NaN, a negative number, a string) would silently turn the limit off, so it is refused.
 */
export function limitOf(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && value >= 0 && (Number.isInteger(value) || value === Infinity)) return value;
  const shown = typeof value === 'number' ? String(value) : `a ${typeof value}`;
  throw new BencodeError('BENCODE_INVALID_OPTIONS', `${name} must be a non-negative integer or Infinity, not ${shown}`);
}

export function toBytes(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input.length !== 0 || !isDetached(input.buffer) ? input : detachedInput();
  try {
    if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer)) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  } catch {
    // The engines throw a TypeError for a buffer transferred away (postMessage, structuredClone).
    return detachedInput();
  }
  if (typeof input === 'string') return new TextEncoder().encode(input);
  throw new BencodeError('BENCODE_INVALID_INPUT', `cannot decode a ${input === null ? 'null' : typeof input}`);
}

/** Whether `buffer` was transferred away; `ArrayBuffer.prototype.detached` is too recent to rely on. */
function isDetached(buffer: ArrayBufferLike): boolean {
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

function detachedInput(): never {
  throw new BencodeError('BENCODE_INVALID_INPUT', 'cannot decode a detached ArrayBuffer');
}
