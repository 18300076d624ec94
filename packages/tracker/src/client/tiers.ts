// BEP 12 announce-list tiers: trackers in a tier are shuffled once, tried in order, and the one that
// answers moves to the front of its tier; the next tier is only tried when a whole tier failed.
import { TrackerError } from '../errors.ts';

/** Mutable tier state for one torrent. */
export class AnnounceTiers {
  /** Current order, after shuffling and promotions. */
  readonly tiers: string[][];
  /**
   * The `tracker id` each tracker last sent (BEP 3: send it back on later announces, keep it when a
   * reply has none). `AnnounceClient.announceTiers` fills and uses it, per tracker URL.
   */
  readonly trackerIds = new Map<string, Uint8Array>();

  /** `tiers` as in the metainfo `announce-list`; `random` is injectable for tests. */
  constructor(tiers: readonly (readonly string[])[], random: () => number = Math.random) {
    this.tiers = tiers.filter((t) => t.length > 0).map((t) => {
      const copy = [...t];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    });
  }

  /** Move `url` to the front of its tier (it just answered). */
  promote(url: string): void {
    for (const t of this.tiers) {
      const i = t.indexOf(url);
      if (i > 0) {
        t.splice(i, 1);
        t.unshift(url);
      }
      if (i >= 0) return;
    }
  }

  /**
   * Try trackers in BEP 12 order until `attempt` succeeds; promote the winner. Throws
   * TrackerError TRACKER_ALL_FAILED (with every error in `cause`) when none did.
   */
  async run<T>(attempt: (url: string) => Promise<T>): Promise<{ url: string; value: T }> {
    const errors: unknown[] = [];
    for (const tier of this.tiers) {
      for (const url of [...tier]) {
        try {
          const value = await attempt(url);
          this.promote(url);
          return { url, value };
        } catch (err) {
          if (err instanceof TrackerError && err.code === 'TRACKER_ABORTED') throw err;
          errors.push(err);
        }
      }
    }
    throw new TrackerError('TRACKER_ALL_FAILED', `all ${errors.length} trackers failed`, { cause: errors });
  }
}
