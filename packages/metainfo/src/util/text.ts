// Byte strings from a torrent as JS strings, and back, without losing bytes.

const lenient = new TextDecoder('utf-8', { fatal: false });
const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 text of a byte string. Invalid sequences become U+DC80..U+DCFF per byte
 * ("surrogateescape", the same convention @torrentkit/bencode uses for dict keys), so
 * {@link textBytes} gives the original bytes back.
 */
export function bytesText(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return escapeDecode(bytes);
  }
}

/** Display text: invalid UTF-8 becomes U+FFFD. For comments and similar free text. */
export function displayText(bytes: Uint8Array): string {
  return lenient.decode(bytes);
}

// Decode valid UTF-8 runs normally and map each byte of an invalid sequence to a lone surrogate.
function escapeDecode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let n = 0;
    let min = 0;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    }
    let cp = n === 1 ? b & 0x1f : n === 2 ? b & 0x0f : b & 0x07;
    let ok = n > 0 && i + n < bytes.length;
    for (let k = 1; ok && k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      out += String.fromCodePoint(cp);
      i += n + 1;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

const encoder = new TextEncoder();

const ESCAPED_BYTE = /[\u{DC80}-\u{DCFF}]/u;

/**
 * Whether `text` holds U+DC80..U+DCFF escapes of bytes that are not UTF-8 ({@link bytesText}). The
 * `u` flag matters: without it the low half of a valid surrogate pair (an emoji) would match.
 */
export function hasEscapedBytes(text: string): boolean {
  return ESCAPED_BYTE.test(text);
}

/** Bytes of a string, turning lone surrogates U+DC80..U+DCFF back into the bytes they stand for. */
export function textBytes(text: string): Uint8Array {
  if (!hasEscapedBytes(text)) return encoder.encode(text);
  const parts: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) parts.push(cp - 0xdc00);
    else for (const b of encoder.encode(ch)) parts.push(b);
  }
  return Uint8Array.from(parts);
}

/** Compare two strings by their byte form (the order bencoded dict keys must have). */
export function compareKeys(a: string, b: string): number {
  const x = textBytes(a);
  const y = textBytes(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
