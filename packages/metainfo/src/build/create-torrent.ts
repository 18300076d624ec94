// createTorrent: files on disk -> .torrent bytes and info hashes (v1, v2 or hybrid).
import { defaultDigests } from '../hash/digest.ts';
import { startHashWorkers, type EngineOptions } from '../hash/engine.ts';
import { metainfoError } from '../hash/errors.ts';
import { hashPieces, type HashProgress } from '../hash/hash-files.ts';
import { compileExcludes } from './glob.ts';
import { BencodeSink, type SinkWriter } from './bencode-sink.ts';
import { writeInfo, type BuiltFile, type InfoFiles } from './info-writer.ts';
import { compareUtf8, encodedKey, pathComparator, type PathComponents } from './order.ts';
import { pieceLayers } from './piece-layers.ts';
import { isValidPieceLength, MAX_PIECE_LENGTH, pickPieceLength } from './piece-length.ts';
import { FoundFile, torrentPath, type FoundDir } from './found-file.ts';

/** One file of an explicit file list. */
export interface FileSpec {
  /** Where to read it. */
  path: string;
  /** Its path inside the torrent: components, or one string split on `/`. */
  name: string | readonly string[];
  /** Its length; read from disk when omitted. */
  length?: number;
}

/**
 * What to put in the torrent: a file or directory path; several paths (each becomes a top-level
 * entry named after its basename; `options.name` required); or an explicit list of files.
 */
export type CreateTorrentInput = string | readonly string[] | { files: readonly FileSpec[] };

/** Options of {@link createTorrent}. */
export interface CreateTorrentOptions extends EngineOptions {
  /** `'v1'` (default), `'v2'` (BEP 52) or `'hybrid'` (both, with BEP 47 pad files). */
  version?: 'v1' | 'v2' | 'hybrid';
  /** Piece length in bytes, a power of two from 16 KiB to 16 MiB; chosen by {@link pickPieceLength} when omitted. */
  pieceLength?: number;
  /** Upper bound for the automatic piece length (also checked against an explicit one). */
  maxPieceLength?: number;
  /** Torrent name (default: the basename of the input path). */
  name?: string;
  /** Trackers: one URL, a list (one tier each, BEP 12) or a list of tiers. */
  announce?: string | readonly string[] | readonly (readonly string[])[];
  /** BEP 19 web seeds. */
  urlList?: readonly string[];
  /** BEP 27 private flag. */
  private?: boolean;
  /** `info.source`: makes the info hash unique per tracker. */
  source?: string;
  comment?: string;
  /** `created by`; `null` omits it. Default `"torrentkit"`. */
  createdBy?: string | null;
  /** `creation date` (seconds since the epoch, or a Date); `null` omits it. Default: now. */
  creationDate?: number | Date | null;
  /** Include files and directories whose names start with `.` (default false). */
  includeHidden?: boolean;
  /** Follow symlinks (default false: skip them); loops are detected and skipped. */
  followSymlinks?: boolean;
  /** Glob patterns of paths to leave out (see `compileExcludes`). */
  exclude?: readonly string[];
  /** Progress after each hashed chunk. */
  onProgress?: (progress: HashProgress) => void;
}

/** Result of {@link createTorrent}. */
export interface CreatedTorrent {
  /** The .torrent file. */
  torrent: Uint8Array;
  /** The encoded `info` dict (what the info hashes are computed from): a view into `torrent`. */
  infoBytes: Uint8Array;
  /** v1 info hash (SHA-1, hex); absent for v2-only. */
  infoHash?: string;
  /** v2 info hash (SHA-256, hex); absent for v1-only. */
  infoHashV2?: string;
  version: 'v1' | 'v2' | 'hybrid';
  name: string;
  pieceLength: number;
  /** v1 pieces (pad files included) for v1/hybrid; the sum of per-file pieces for v2. */
  pieceCount: number;
  /** Total bytes of file data (pad files excluded). */
  length: number;
  /** Files in torrent order (pad files not listed). */
  files: BuiltFile[];
}

/**
 * Create a torrent from files on disk. Deterministic: the same files and options (with a fixed or
 * omitted `creationDate`) give the same bytes on every runtime and run.
 *
 * ```ts
 * const t = await createTorrent('./photos', { version: 'hybrid', announce: 'http://127.0.0.1:8000/announce' });
 * console.log(t.infoHash, t.infoHashV2);
 * ```
 */
export async function createTorrent(input: CreateTorrentInput, options: CreateTorrentOptions = {}): Promise<CreatedTorrent> {
  const version = options.version ?? 'v1';
  if (version !== 'v1' && version !== 'v2' && version !== 'hybrid') throw metainfoError('METAINFO_INVALID_INPUT', `unknown version ${String(version)}`);
  // Workers start now so their start-up overlaps the directory walk (unless the caller lends some).
  const workers = options.workers ?? startHashWorkers(options.threads);
  let prepared: Awaited<ReturnType<typeof prepare>>;
  let hashed: Awaited<ReturnType<typeof hashPieces>>;
  try {
    prepared = await prepare(input, options, version);
    hashed = await hashPieces(prepared.ordered, {
      pieceLength: prepared.pieceLength, mode: version, tailPad: !prepared.single,
      threads: options.threads, signal: options.signal, chunkSize: options.chunkSize,
      implementation: options.implementation, onProgress: options.onProgress, workers,
    });
  } finally {
    if (workers !== options.workers) await workers.close();
  }
  const { ordered, single, name, pieceLength, total } = prepared;
  const placed = hashed.layout.files;
  const infoFiles: InfoFiles = {
    count: ordered.length,
    components: (i) => foundComponents.count(ordered[i]!),
    component: (i, k) => foundComponents.at(ordered[i]!, k),
    length: (i) => ordered[i]!.length,
    padAfter: (i) => placed[i]!.padAfter,
    piecesRoot: (i) => hashed.piecesRoot(i),
  };
  const fields = { version, name, pieceLength, single, private: options.private, source: options.source };
  const { torrent, infoBytes } = writeTorrent(topLevel(hashed.layers, version, options), (sink) => writeInfo(sink, infoFiles, hashed.pieces, fields));
  // Made last: they are kept, and objects made before the info dict is written would only be
  // copied around by the garbage collector while it is.
  const files: BuiltFile[] = ordered.map((f) => ({ path: torrentPath(f), length: f.length }));
  const digests = defaultDigests();
  const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return {
    torrent, infoBytes, version, name, pieceLength, length: total, files,
    pieceCount: version === 'v2'
      ? files.reduce((n, f) => n + Math.ceil(f.length / pieceLength), 0)
      : hashed.layout.pieceCount,
    ...(version !== 'v2' ? { infoHash: hex(digests.sha1(infoBytes)) } : {}),
    ...(version !== 'v1' ? { infoHashV2: hex(digests.sha256(infoBytes)) } : {}),
  };
}

/** The files to hash, in torrent order, and the piece length for them. */
async function prepare(input: CreateTorrentInput, options: CreateTorrentOptions, version: 'v1' | 'v2' | 'hybrid') {
  const { files: found, single, name } = await collect(input, options);
  if (found.length === 0) throw metainfoError('METAINFO_NO_FILES', 'no files to put in the torrent');
  const compare = pathComparator(foundComponents, version);
  const ordered = [...found].sort(compare);
  for (let i = 1; i < ordered.length; i++) {
    if (compare(ordered[i - 1]!, ordered[i]!) === 0) {
      throw metainfoError('METAINFO_INVALID_INPUT', `two files with the same torrent path ${torrentPath(ordered[i]!).join('/')}`);
    }
  }
  checkNoFileIsADirectory(ordered);
  const total = ordered.reduce((n, f) => n + f.length, 0);
  if (total === 0) throw metainfoError('METAINFO_INVALID_LENGTH', 'all files are empty: nothing to hash');
  return { ordered, single, name, total, pieceLength: choosePieceLength(total, options) };
}

/** Path components of a found file, read in place (sorting 20,000 files builds no keys). */
const foundComponents: PathComponents<FoundFile> = {
  count: (f) => f.dir.rel.length + (f.name === undefined ? 0 : 1),
  at: (f, i) => (i < f.dir.rel.length ? f.dir.rel[i]! : f.name!),
};

/** Throws when one file's torrent path is a directory of another's (only explicit lists and several roots can do that). */
function checkNoFileIsADirectory(files: readonly FoundFile[]): void {
  const dirs = new Set<string>();
  const seen = new Set<FoundDir>();
  for (const f of files) {
    if (seen.has(f.dir)) continue;
    seen.add(f.dir);
    const path = torrentPath(f);
    for (let k = 1; k < path.length; k++) dirs.add(encodedKey(path.slice(0, k).join('/')));
  }
  for (const f of files) {
    const path = torrentPath(f).join('/');
    if (dirs.has(encodedKey(path))) throw metainfoError('METAINFO_INVALID_INPUT', `torrent path ${path} is both a file and a directory`);
  }
}


function choosePieceLength(total: number, options: CreateTorrentOptions): number {
  const max = options.maxPieceLength ?? MAX_PIECE_LENGTH;
  if (options.maxPieceLength !== undefined && !isValidPieceLength(max)) {
    throw metainfoError('METAINFO_INVALID_PIECE_LENGTH', `maximum piece length ${max} is not a power of two from 16 KiB to 16 MiB`);
  }
  if (options.pieceLength === undefined) return pickPieceLength(total, max);
  const n = options.pieceLength;
  if (!isValidPieceLength(n)) throw metainfoError('METAINFO_INVALID_PIECE_LENGTH', `piece length ${n} is not a power of two from 16 KiB to 16 MiB`);
  if (n > max) throw metainfoError('METAINFO_INVALID_PIECE_LENGTH', `piece length ${n} is above the maximum ${max}`);
  return n;
}

function topLevel(layers: Parameters<typeof pieceLayers>[0], version: string, o: CreateTorrentOptions): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  const tiers = announceTiers(o.announce);
  if (tiers.length > 0) top.announce = tiers[0]![0]!;
  if (tiers.length > 1 || (tiers[0]?.length ?? 0) > 1) top['announce-list'] = tiers;
  if (o.urlList && o.urlList.length > 0) top['url-list'] = [...o.urlList];
  if (o.comment !== undefined && o.comment !== '') top.comment = o.comment;
  if (o.createdBy !== null) top['created by'] = o.createdBy ?? 'torrentkit';
  if (o.creationDate !== null) {
    const d = o.creationDate ?? new Date();
    top['creation date'] = d instanceof Date ? Math.floor(d.getTime() / 1000) : Math.floor(d);
  }
  if (version !== 'v1') {
    top['piece layers'] = pieceLayers(layers);
  }
  return top;
}

/**
 * The whole torrent: `top`'s keys and the info dict, which `writeInfoDict` streams in at its sorted
 * place; the info bytes are a view of the result.
 */
function writeTorrent(top: Record<string, unknown>, writeInfoDict: SinkWriter): { torrent: Uint8Array; infoBytes: Uint8Array } {
  const keys = [...Object.keys(top), 'info'].sort(compareUtf8);
  let start = 0;
  let end = 0;
  const torrent = BencodeSink.encode((sink) => {
    sink.start('d');
    for (const key of keys) {
      sink.string(key);
      if (key !== 'info') sink.value(top[key]);
      else {
        start = sink.length;
        writeInfoDict(sink);
        end = sink.length;
      }
    }
    sink.end();
  });
  return { torrent, infoBytes: torrent.subarray(start, end) };
}

/** Normalise the `announce` option into BEP 12 tiers (empty URLs and tiers dropped). */
export function announceTiers(a: CreateTorrentOptions['announce']): string[][] {
  if (a === undefined) return [];
  if (typeof a === 'string') return a ? [[a]] : [];
  const tiers = a.map((t) => (typeof t === 'string' ? [t] : [...t]).filter((u) => u.length > 0));
  return tiers.filter((t) => t.length > 0);
}

async function collect(input: CreateTorrentInput, o: CreateTorrentOptions): Promise<{ files: FoundFile[]; single: boolean; name: string }> {
  const { walk, rootName: baseName, WalkFailure } = await import('./walk-node.ts');
  const rootName = (root: string): string => {
    const name = baseName(root);
    if (name === '') throw metainfoError('METAINFO_MISSING_NAME', `${root} has no name to give the torrent: set options.name`);
    return name;
  };
  const exclude = o.exclude && o.exclude.length > 0 ? compileExcludes(o.exclude) : undefined;
  const walkOpts = { includeHidden: o.includeHidden, followSymlinks: o.followSymlinks, exclude, signal: o.signal };
  try {
    if (typeof input === 'string' || Array.isArray(input)) {
      const roots: string[] = typeof input === 'string' ? [input] : [...(input as readonly string[])];
      if (roots.length > 1 && !o.name) throw metainfoError('METAINFO_MISSING_NAME', 'a torrent of several paths needs options.name');
      // Listing runs on this thread: a listing worker was tried and left more memory behind
      // (its malloc arena) than the garbage it kept off this heap.
      // Named first: a root without a name (`/`) fails before it is walked.
      const names = roots.length === 1 && o.name ? [o.name] : roots.map(rootName);
      const listed = await Promise.all(roots.map((root) => walk(root, walkOpts)));
      if (roots.length === 1) {
        const res = listed[0]!;
        return { files: res.files, single: !res.isDirectory, name: o.name ?? names[0]! };
      }
      const files: FoundFile[] = [];
      roots.forEach((_, i) => {
        const base = names[i]!;
        const moved = new Map<FoundDir, FoundDir>();
        for (const f of listed[i]!.files) {
          let dir = moved.get(f.dir);
          if (!dir) moved.set(f.dir, (dir = { ...f.dir, rel: [base, ...f.dir.rel] }));
          files.push(new FoundFile(dir, f.name, f.length, f.executable));
        }
      });
      return { files, single: false, name: o.name! };
    }
    const list = (input as { files: readonly FileSpec[] }).files;
    if (!o.name) throw metainfoError('METAINFO_MISSING_NAME', 'a torrent from a file list needs options.name');
    const files: FoundFile[] = [];
    for (const spec of list) {
      const relPath = typeof spec.name === 'string' ? spec.name.split('/').filter((c) => c !== '') : [...spec.name];
      if (relPath.length === 0 || relPath.some((c) => c === '' || c === '.' || c === '..' || c.includes('/'))) {
        throw metainfoError('METAINFO_INVALID_NAME', `bad torrent path ${JSON.stringify(spec.name)}`);
      }
      if (exclude?.(relPath.join('/'))) continue;
      let length = spec.length;
      if (length === undefined) {
        const st = await walk(spec.path, walkOpts);
        if (st.isDirectory) throw metainfoError('METAINFO_INVALID_INPUT', `${spec.path} is a directory`);
        length = st.files[0]!.length;
      }
      files.push(new FoundFile({ path: spec.path, prefix: '', rel: relPath }, undefined, length, false));
    }
    return { files, single: false, name: o.name };
  } catch (err) {
    if (err instanceof WalkFailure) throw metainfoError(err.code, err.message, err);
    throw err;
  }
}
