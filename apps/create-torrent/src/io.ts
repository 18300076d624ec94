// The CLI's view of the outside world, injected so commands can be driven from tests and so the
// bin file is the only place that touches `process` directly.

/** A writable text stream: stdout or stderr. */
export interface TextOut {
  write(text: string | Uint8Array): unknown;
  isTTY?: boolean;
  columns?: number | undefined;
}

export interface Io {
  stdout: TextOut;
  stderr: TextOut;
  env: Record<string, string | undefined>;
  /** Cancels hashing (SIGINT in the bin). */
  signal?: AbortSignal | undefined;
}
