/** A magnet link (BEP 9, with BEP 52 v2 hashes and BEP 53 file selection). */
export interface MagnetLink {
  /** v1 info hash (`xt=urn:btih:`), lower-case hex, 40 characters. */
  infoHash?: string;
  /** v2 info hash (`xt=urn:btmh:1220...`), lower-case hex, 64 characters. */
  infoHashV2?: string;
  /**
   * Display name (`dn`). Bytes that are not UTF-8 (`%FF`) are kept as U+DC80..U+DCFF escapes, the
   * convention of `ParsedTorrent.name`; a `%` that starts no escape is kept as it is.
   */
  name?: string;
  /** Exact length in bytes (`xl`). */
  length?: number;
  /** Tracker URLs (`tr`, repeatable), in order. */
  trackers: string[];
  /** Web seed URLs (`ws`, BEP 19), in order. */
  webSeeds: string[];
  /** Peer addresses (`x.pe`, `host:port` or `[v6]:port`, port 1-65535), in order; others are skipped. */
  peers: string[];
  /** BEP 53 `so`: selected file indices as inclusive `[first, last]` ranges. */
  select?: Array<[number, number]>;
  /** Parameters this module does not interpret, in order, decoded. */
  extra: Array<[string, string]>;
}
