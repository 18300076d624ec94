// The timestamps a session's timers count from. A sans-I/O session has no clock of its own: time only
// moves when the caller passes `now`, so every timer is deterministic in tests. The deadlines
// themselves (which timer fires, in what order) are decided by the session; this only keeps the
// marks and measures from them.

/** @internal When the session started, last sent, last received and last made progress. */
export class SessionClock {
  /** The latest time the caller passed. */
  now: number;
  /** Start of the handshake timeout. */
  startedAt: number;
  /** Start of the keep-alive interval: anything we send counts. */
  lastSent: number;
  /** Start of the idle timeout: anything the peer sends counts. */
  lastReceived: number;
  /** Start of the snub timeout: a requested block arriving, an unchoke, or a pipeline refilled from empty. */
  lastProgress: number;
  // False until a time is known. A session created without `now` and driven by `Date.now()` must
  // not measure its first wall-clock reading against 0, so that reading becomes the start instead.
  #known: boolean;

  constructor(start: number | undefined) {
    this.#known = start !== undefined;
    this.now = this.startedAt = this.lastSent = this.lastReceived = this.lastProgress = start ?? 0;
  }

  /**
   * Moves to `now`, if given. Returns true when this was the first known time, which (re)starts every
   * mark: the caller then rebases anything else it timed on the provisional clock.
   */
  set(now: number | undefined): boolean {
    if (now === undefined) return false;
    this.now = now;
    if (this.#known) return false;
    this.#known = true;
    this.startedAt = this.lastSent = this.lastReceived = this.lastProgress = now;
    return true;
  }

  /**
   * Starts every mark at `now`, whatever clock the session was created with: the session is only
   * starting, and its owner may drive it with another clock than the one it passed at creation
   * (`Date.now()` at creation, `performance.now()` in `runSession`).
   */
  restart(now: number): void {
    this.#known = true;
    this.now = this.startedAt = this.lastSent = this.lastReceived = this.lastProgress = now;
  }

  /** Milliseconds since the handshake timer started. */
  get sinceStart(): number {
    return this.now - this.startedAt;
  }

  /** Milliseconds since we last sent anything. */
  get sinceSent(): number {
    return this.now - this.lastSent;
  }

  /** Milliseconds since the peer last sent anything. */
  get sinceReceived(): number {
    return this.now - this.lastReceived;
  }

  /** Milliseconds since the peer last made progress on our requests. */
  get sinceProgress(): number {
    return this.now - this.lastProgress;
  }
}
