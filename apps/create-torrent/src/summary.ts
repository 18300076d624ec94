// What create and show print: a short human summary, or one JSON object whose schema is fixed
// (documented in the README, checked by the tests) so scripts can rely on it.

import { announceTiers, formatMagnet, type CreatedTorrent, type ParsedTorrent } from '@torrentkit/metainfo';
import { displayPath } from './paths.ts';
import { printable } from './printable.ts';
import { formatBytes } from './size.ts';

/**
 * One file in the JSON output. `path` is where a client saves it, components joined with '/':
 * `name/dir/file` in a multi-file torrent, `name` in a single-file one.
 */
export interface FileJson {
  path: string;
  length: number;
  executable?: true;
  hidden?: true;
  symlink?: string;
}

/** The JSON schema of `create --json` and `show --json`. */
export interface TorrentJson {
  name: string;
  version: 'v1' | 'v2' | 'hybrid';
  infoHash: string | null;
  infoHashV2: string | null;
  magnet: string;
  /** Total bytes of the real files (pad files left out). */
  length: number;
  pieceLength: number;
  pieceCount: number;
  /** Number of real files (pad files left out). */
  fileCount: number;
  /** BEP 12 tiers in order (a lone `announce` is one tier of one). */
  trackers: string[][];
  webSeeds: string[];
  private: boolean;
  source: string | null;
  comment: string | null;
  createdBy: string | null;
  /** Seconds since the Unix epoch, or null when the torrent has none. */
  creationDate: number | null;
  /** The real files in torrent order (BEP 47 pad files left out). */
  files: FileJson[];
  /** Only in `create --json`: where the torrent was written (null for `-o -`). */
  output?: string | null;
}

/** Everything in {@link TorrentJson} but the file list: what the human summary of `create` needs. */
export type TorrentFacts = Omit<TorrentJson, 'files'>;

/** Tracker tiers as a client would use them: announce-list when present, else announce alone. */
export function trackerTiers(t: ParsedTorrent): string[][] {
  if (t.announceList.length > 0) return t.announceList.map((tier) => [...tier]);
  return t.announce ? [[t.announce]] : [];
}

/** The JSON object for a parsed torrent. */
export function torrentJson(t: ParsedTorrent, magnet: string): TorrentJson {
  const real = t.files.filter((f) => !f.pad);
  return {
    name: t.name,
    version: t.version,
    infoHash: t.infoHash ?? null,
    infoHashV2: t.infoHashV2 ?? null,
    magnet,
    length: real.reduce((n, f) => n + f.length, 0),
    pieceLength: t.pieceLength,
    pieceCount: t.pieceCount,
    fileCount: real.length,
    trackers: trackerTiers(t),
    webSeeds: [...t.urlList],
    private: t.private,
    source: t.source ?? null,
    comment: t.comment ?? null,
    createdBy: t.createdBy ?? null,
    creationDate: t.creationDate ?? null,
    files: real.map((f) => fileJson(t, f)),
  };
}

/** What the builder was asked to write, besides what it returns. */
export interface CreateMeta {
  trackers: readonly (readonly string[])[];
  webSeeds: readonly string[];
  private: boolean;
  source: string | undefined;
  comment: string | undefined;
  createdBy: string | null;
  creationDate: number | null;
}

/**
 * The JSON object for a torrent just built, from the builder's result and the options it was
 * given; the same schema as {@link torrentJson} gives for the parsed file (the tests check both
 * agree). Built without re-parsing, so a large torrent costs nothing extra here.
 */
export function createdJson(c: CreatedTorrent, m: CreateMeta): TorrentJson {
  const single = c.files.length === 1 && c.files[0]!.path.length === 0;
  return {
    ...createdFacts(c, m),
    files: c.files.map((f) => ({ path: (single ? [c.name] : [c.name, ...f.path]).join('/'), length: f.length })),
  };
}

/**
 * {@link createdJson} without the file list, for the summary: a list of every file would cost
 * megabytes on trees of many files, and the summary shows only their count.
 */
export function createdFacts(c: CreatedTorrent, m: CreateMeta): TorrentFacts {
  const trackers = announceTiers(m.trackers);
  const flat: string[] = [];
  for (const tier of trackers) for (const url of tier) if (!flat.includes(url)) flat.push(url);
  return {
    name: c.name,
    version: c.version,
    infoHash: c.infoHash ?? null,
    infoHashV2: c.infoHashV2 ?? null,
    magnet: formatMagnet({ infoHash: c.infoHash, infoHashV2: c.infoHashV2, name: c.name, trackers: flat, webSeeds: [...m.webSeeds] }),
    length: c.length,
    pieceLength: c.pieceLength,
    pieceCount: c.pieceCount,
    fileCount: c.files.length,
    trackers,
    webSeeds: [...m.webSeeds],
    private: m.private,
    source: m.source || null,
    comment: m.comment || null,
    createdBy: m.createdBy,
    creationDate: m.creationDate,
  };
}

function fileJson(t: ParsedTorrent, f: ParsedTorrent['files'][number]): FileJson {
  const out: FileJson = { path: displayPath(t, f).join('/'), length: f.length };
  if (f.executable) out.executable = true;
  if (f.hidden) out.hidden = true;
  if (f.symlink) out.symlink = (f.symlinkPath ?? []).join('/');
  return out;
}

/** Aligned `label  value` rows; values are escaped for the terminal (they hold names, URLs, comments). */
function rows(pairs: ReadonlyArray<readonly [string, string]>): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${printable(v)}`).join('\n') + '\n';
}

/**
 * A creation date as ISO 8601, or the raw number when no Date can hold it (a torrent may carry any
 * integer there, and Date stops at about 275,760 years either side of 1970).
 */
export function formatCreationDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? `${seconds} (seconds since 1970; not a representable date)` : d.toISOString();
}

function sizeLine(j: TorrentFacts): string {
  const files = j.fileCount === 1 ? '1 file' : `${j.fileCount} files`;
  return `${formatBytes(j.length)} (${j.length} bytes) in ${files}`;
}

function hashRows(j: TorrentFacts): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (j.infoHash) out.push(['info hash', j.infoHash]);
  if (j.infoHashV2) out.push(['info hash v2', j.infoHashV2]);
  return out;
}

/** The short summary `create` prints. */
export function createSummary(j: TorrentFacts, output: string | null): string {
  const pairs: Array<[string, string]> = [
    ['name', j.name],
    ['size', sizeLine(j)],
    ['pieces', `${j.pieceCount} x ${formatBytes(j.pieceLength)} (${j.version})`],
    ...hashRows(j),
    ['magnet', j.magnet],
  ];
  if (output !== null) pairs.push(['written to', output]);
  return rows(pairs);
}

/** What `show` prints: everything but the raw hashes, then the file list. */
export function showText(j: TorrentJson): string {
  const pairs: Array<[string, string]> = [
    ['name', j.name],
    ['version', j.version],
    ...hashRows(j),
    ['size', sizeLine(j)],
    ['pieces', `${j.pieceCount} x ${formatBytes(j.pieceLength)}`],
    ['private', j.private ? 'yes' : 'no'],
  ];
  j.trackers.forEach((tier, i) => pairs.push([`tier ${i + 1}`, tier.join(' ')]));
  for (const ws of j.webSeeds) pairs.push(['web seed', ws]);
  if (j.source !== null) pairs.push(['source', j.source]);
  if (j.comment !== null) pairs.push(['comment', j.comment]);
  if (j.createdBy !== null) pairs.push(['created by', j.createdBy]);
  if (j.creationDate !== null) pairs.push(['created', formatCreationDate(j.creationDate)]);
  pairs.push(['magnet', j.magnet]);
  const files = j.files;
  const w = Math.max(0, ...files.map((f) => String(f.length).length));
  const list = files.map((f) => `  ${String(f.length).padStart(w)}  ${printable(f.path)}${f.symlink !== undefined ? ` -> ${printable(f.symlink)}` : ''}`);
  return `${rows(pairs)}files:\n${list.join('\n')}\n`;
}
