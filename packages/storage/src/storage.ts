// Block I/O in piece coordinates on top of a byte-level Store: the one place that turns
// (piece, offset, length) into file runs, skips pad files and checks bounds.
import type { Store } from './backend.ts';
import { StorageError } from './errors.ts';
import type { Layout, Span } from './layout.ts';

// Most file runs of one block in flight at once. A piece can span thousands of tiny files: each run
// is a separate store call that opens its own file (one at a time, so a store with a bounded handle
// cache never deadlocks), and issuing them all together would only queue thousands of promises.
const SPAN_CONCURRENCY = 16;

/** Reads and writes blocks of a torrent's pieces through a {@link Store}. */
export class Storage {
  readonly layout: Layout;
  readonly store: Store;

  constructor(layout: Layout, store: Store) {
    this.layout = layout;
    this.store = store;
  }

  /**
   * Reads `length` bytes at `offset` of piece `piece` into `target` (allocated when omitted) and returns
   * it. Pad bytes and bytes never written read as zeros.
   */
  async readBlock(piece: number, offset: number, length: number, target?: Uint8Array): Promise<Uint8Array> {
    const out = sized(target ?? new Uint8Array(length), length);
    await this.#read(this.layout.spans(piece, offset, length), out, false);
    return out;
  }

  /**
   * Reads a whole piece for a recheck and says whether every byte of it is on the store. False when a
   * file is missing or short, or the store cannot read it as a file (`STORAGE_IO`: a directory in its
   * place, a read error): a piece of zeros must not pass for data that is not there. Pad bytes count
   * as present.
   */
  readPresent(piece: number, target: Uint8Array): Promise<boolean> {
    const size = this.layout.pieceSize(piece);
    return this.#read(this.layout.spans(piece, 0, size), sized(target, size), true);
  }

  // Fills `out` from `spans` (pads as zeros); true when the store had every byte. `lenient` turns a
  // STORAGE_IO failure of one file into missing bytes instead of a rejection.
  async #read(spans: readonly Span[], out: Uint8Array, lenient: boolean): Promise<boolean> {
    let present = true;
    const one = async (s: Span): Promise<void> => {
      const part = spans.length === 1 ? out : out.subarray(s.blockOffset, s.blockOffset + s.length);
      if (s.pad) return void part.fill(0);
      try {
        if ((await this.store.read(s.file, s.position, part)) < s.length) present = false;
      } catch (err) {
        if (!lenient || !(err instanceof StorageError) || err.code !== 'STORAGE_IO') throw err;
        part.fill(0);
        present = false;
      }
    };
    if (spans.length === 1) await one(spans[0]!);
    else await eachBounded(spans, one);
    return present;
  }

  /** Reads a whole piece. */
  readPiece(piece: number, target?: Uint8Array): Promise<Uint8Array> {
    return this.readBlock(piece, 0, this.layout.pieceSize(piece), target);
  }

  /** Writes `data` at `offset` of piece `piece`. Bytes that fall in pad files are dropped. */
  async writeBlock(piece: number, offset: number, data: Uint8Array): Promise<void> {
    const spans = this.layout.spans(piece, offset, data.length);
    if (spans.length === 1) {
      const s = spans[0]!;
      if (!s.pad) await this.store.write(s.file, s.position, data);
      return;
    }
    await eachBounded(spans, async (s) => {
      if (!s.pad) await this.store.write(s.file, s.position, data.subarray(s.blockOffset, s.blockOffset + s.length));
    });
  }

  /** Preallocates every non-pad file, when the store supports it. */
  async preallocate(): Promise<void> {
    const pre = this.store.preallocate?.bind(this.store);
    if (!pre) return;
    for (const f of this.layout.files) if (!f.pad) await pre(f.index);
  }

  /**
   * Creates the torrent's empty files (no block ever touches them) and flushes: call when the
   * download is complete.
   */
  async complete(): Promise<void> {
    const empty = new Uint8Array(0);
    for (const f of this.layout.files) if (!f.pad && f.length === 0) await this.store.write(f.index, 0, empty);
    await this.store.flush();
  }

  flush(): Promise<void> {
    return this.store.flush();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

// Runs `fn` over `spans` with at most SPAN_CONCURRENCY calls pending; the first failure is thrown
// after the calls already started have settled (none is left running behind the caller's back).
/** The first `length` bytes of `target`, which must hold that many. */
function sized(target: Uint8Array, length: number): Uint8Array {
  if (target.length < length) throw new StorageError('STORAGE_BLOCK_OUT_OF_RANGE', `target holds ${target.length} of ${length} bytes`);
  return target.subarray(0, length);
}

async function eachBounded(spans: readonly Span[], fn: (span: Span) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < spans.length && !failure) {
      const span = spans[next++]!;
      try {
        await fn(span);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SPAN_CONCURRENCY, spans.length) }, worker));
  if (failure) throw failure.error;
}
