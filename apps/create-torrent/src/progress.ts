// The progress bar: one line on stderr, redrawn in place with `\r`, only when stderr is a terminal
// (or when CREATE_TORRENT_PROGRESS=always forces it, which the tests use). Rendering is a pure
// function of the counters and the clock so it can be tested without a terminal.

import { formatBytes } from './size.ts';

/** Counters the builder and the verifier report. */
export interface ProgressState {
  bytesDone: number;
  bytesTotal: number;
  piecesDone: number;
  piecesTotal: number;
}

/** Renders one progress line of at most `width` columns. `elapsedMs` is time since the start. */
export function renderProgress(label: string, s: ProgressState, elapsedMs: number, width = 80): string {
  const frac = s.bytesTotal > 0 ? Math.min(1, s.bytesDone / s.bytesTotal) : 1;
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  const rate = elapsedMs > 0 ? (s.bytesDone / (elapsedMs / 1000)) : 0;
  const mbps = `${(rate / 1e6).toFixed(1)} MB/s`;
  const eta = rate > 0 && s.bytesDone < s.bytesTotal ? formatDuration((s.bytesTotal - s.bytesDone) / rate) : '--:--';
  const bytes = `${formatBytes(s.bytesDone)}/${formatBytes(s.bytesTotal)}`;
  const pieces = `${s.piecesDone}/${s.piecesTotal} pieces`;
  const tail = ` ${pct} ${bytes} ${pieces} ${mbps} ETA ${eta}`;
  const barRoom = width - label.length - tail.length - 3;
  if (barRoom < 5) return `${label}${tail}`.slice(0, width);
  const barWidth = Math.min(40, barRoom);
  const filled = Math.round(frac * barWidth);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
}

/** `m:ss`, or `h:mm:ss` past an hour. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Where the bar is drawn: stderr in the CLI, a string sink in tests. */
export interface ProgressSink {
  write(text: string): void;
  columns?: number | undefined;
}

/**
 * Draws the bar at most every `intervalMs` (a terminal cannot show faster, and redraws cost time in
 * the hot loop's callback). `done()` clears the line so the summary starts on a clean row.
 */
export class ProgressBar {
  readonly #sink: ProgressSink;
  readonly #label: string;
  readonly #intervalMs: number;
  readonly #start = Date.now();
  #last = 0;
  #drawn = false;

  constructor(sink: ProgressSink, label: string, intervalMs = 100) {
    this.#sink = sink;
    this.#label = label;
    this.#intervalMs = intervalMs;
  }

  update(state: ProgressState, force = false): void {
    const now = Date.now();
    if (!force && now - this.#last < this.#intervalMs) return;
    this.#last = now;
    const width = Math.max(20, (this.#sink.columns ?? 80) - 1);
    this.#sink.write(`\r${renderProgress(this.#label, state, now - this.#start, width)}\x1b[K`);
    this.#drawn = true;
  }

  done(): void {
    if (this.#drawn) this.#sink.write('\r\x1b[K');
    this.#drawn = false;
  }
}

/**
 * Whether to draw a bar on this stream: only on a terminal, unless CREATE_TORRENT_PROGRESS says
 * `always` or `never`.
 */
export function wantProgress(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  const forced = env['CREATE_TORRENT_PROGRESS'];
  if (forced === 'always') return true;
  if (forced === 'never') return false;
  return stream.isTTY === true;
}
