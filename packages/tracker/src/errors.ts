/**
 * The one error class of @torrentkit/tracker. `code` is stable and meant for programs; `message` is
 * for people. Codes that a tracker server sends back as a `failure reason` start with `TRACKER_`.
 */
export class TrackerError extends Error {
  /** Stable machine-readable code, e.g. `TRACKER_BAD_INFO_HASH`, `TRACKER_TIMEOUT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrackerError';
    this.code = code;
  }
}
