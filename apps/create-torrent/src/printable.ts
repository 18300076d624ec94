// Text from a torrent or the file system on its way to a terminal. Names, comments, paths and URLs
// are data that someone else chose: a newline in a file name would forge extra output lines, and an
// ESC sequence could recolour, retitle or clear the user's terminal. Human-readable output passes
// every such string through `printable`; JSON output stays exact (JSON.stringify escapes C0 itself,
// and a consumer of JSON wants the real bytes).

import type { TextOut } from './io.ts';

// C0 controls, DEL and the C1 controls (U+0080..U+009F, which some terminals treat as ESC + letter);
// and the invisible format characters that reorder or break what is shown: bidi marks, embeddings,
// overrides and isolates (a name ending "\u202Etxt.exe" reads as "exe.txt"), line and paragraph
// separators.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with every control character written as a visible escape: `\n`, `\r`, `\t`, `\xHH` for
 * the rest of C0, DEL and C1 (ESC is `\x1b`, U+0085 is `\x85`), and `\uHHHH` for bidi and line
 * separator format characters (U+202E is `\u202e`). Backslashes are left alone, so an already
 * escaped string comes back unchanged.
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return SHORT[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
  });
}

/**
 * Wraps a stream that receives whole lines: each string written is escaped, except for the newline
 * that ends it. For commands that print names line by line; bytes pass through untouched.
 */
export function printableLines(out: TextOut): TextOut {
  return {
    write(text: string | Uint8Array): unknown {
      if (typeof text !== 'string') return out.write(text);
      return out.write(text.endsWith('\n') ? `${printable(text.slice(0, -1))}\n` : printable(text));
    },
    get isTTY() { return out.isTTY; },
    get columns() { return out.columns; },
  };
}
