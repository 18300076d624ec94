// Starts a hashing worker: a Web Worker on Deno and Bun (worker-web.ts), a node:worker_threads worker
// on Node (worker.ts), from wherever this module was loaded: the `.js` entry next to it in dist/, or
// the `.ts` one in src/. Deno and Bun run .ts natively. Node 20 cannot, so when this package runs from
// source under Node (vitest in this repo) the worker's module graph is transpiled once per process
// with the `typescript` package (present only in development) and handed to the worker as data: URLs.
// Published builds always take the dist/ path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { JobMessage, ResultMessage } from './worker-protocol.ts';

/**
 * URL of worker entry `name` (without extension) relative to `base` (the caller's
 * `import.meta.url`), with the caller's own extension: .ts in src, .js in dist.
 */
export function entryUrl(base: string, name: string): URL {
  return new URL(`${name}${/\.[mc]?ts$/.test(base) ? '.ts' : '.js'}`, base);
}

/** URL of the hashing worker's entry. */
export function workerEntryUrl(): URL {
  return entryUrl(import.meta.url, './worker');
}

function runsTypeScript(): boolean {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { features?: { typescript?: unknown } } };
  return g.Deno !== undefined || g.Bun !== undefined || Boolean(g.process?.features?.typescript);
}

/** Start a worker from an entry URL (see {@link entryUrl}), whichever runtime this is. */
export function spawnWorker(entry: URL, options?: WorkerOptions): Worker {
  if (!entry.pathname.endsWith('.ts') || runsTypeScript()) return new Worker(entry, options);
  return new Worker(new URL(transpiledGraph(entry)), options);
}

/** URL of the Web Worker entry (Deno and Bun). */
export function webWorkerEntryUrl(): URL {
  return entryUrl(import.meta.url, './worker-web');
}

/** A started hashing worker, whichever kind. */
export interface HashWorker {
  post(job: JobMessage): void;
  /**
   * Call once: `onResult` gets each reply; `onFailure` the worker's crash or exit, after which it
   * answers nothing more (Deno closes a Web Worker on an uncaught error; Bun reports an exit as
   * `close`; Node as `exit`).
   */
  listen(onResult: (result: ResultMessage) => void, onFailure: (err: Error) => void): void;
  /** Settles once the worker's thread runs, or once it has failed to start; never rejects. */
  readonly online: Promise<void>;
  terminate(): Promise<void>;
}

type WebWorkerConstructor = new (url: URL, options: { type: 'module' }) => {
  addEventListener(type: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<ResultMessage>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
};

/** The kind of worker {@link spawnHashWorker} starts on this runtime. */
export function hashWorkerKind(): 'web' | 'node' {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; Worker?: unknown };
  return (g.Deno !== undefined || g.Bun !== undefined) && typeof g.Worker === 'function' ? 'web' : 'node';
}

/**
 * Start one hashing worker: a Web Worker on Deno and Bun, node:worker_threads on Node. `entries`
 * replaces the entry files (tests start workers that fail).
 */
export function spawnHashWorker(entries?: { web: URL; node: URL }): HashWorker {
  if (hashWorkerKind() === 'web') {
    const WebWorker = (globalThis as unknown as { Worker: WebWorkerConstructor }).Worker;
    const worker = new WebWorker(entries?.web ?? webWorkerEntryUrl(), { type: 'module' });
    return {
      post: (job) => worker.postMessage(job),
      listen(onResult, onFailure) {
        worker.onmessage = (event) => onResult(event.data);
        worker.onerror = (event) => {
          // Handled here: unhandled, a worker's error would end the whole process on Deno.
          event.preventDefault();
          // Bun appends a source excerpt on further lines.
          onFailure(new Error(`hash worker failed: ${String(event.message).split('\n')[0]}`));
        };
        worker.onmessageerror = () => onFailure(new Error('hash worker: a reply could not be read'));
        worker.addEventListener('close', () => onFailure(new Error('hash worker exited')));
      },
      // Web Workers report no start; there is nothing here a caller would wait for.
      online: Promise.resolve(),
      terminate: async () => worker.terminate(),
    };
  }
  const worker = spawnWorker(entries?.node ?? workerEntryUrl());
  const online = new Promise<void>((resolve) => {
    worker.once('online', resolve);
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
  return {
    online,
    post: (job) => worker.postMessage(job),
    listen(onResult, onFailure) {
      worker.on('message', onResult);
      worker.on('error', onFailure);
      worker.on('exit', (code) => onFailure(new Error(`hash worker exited with code ${code}`)));
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

const cache = new Map<string, string>();

/** data: URL of `entry` with its relative imports inlined as data: URLs, transpiled from TS. */
function transpiledGraph(entry: URL): string {
  const hit = cache.get(entry.href);
  if (hit) return hit;
  const require = createRequire(entry);
  const ts = require('typescript') as {
    transpileModule(src: string, o: object): { outputText: string };
    ModuleKind: { ESNext: number }; ScriptTarget: { ES2022: number };
  };
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
  const memo = new Map<string, string>();
  const load = (href: string): string => {
    const done = memo.get(href);
    if (done) return done;
    const source = ts.transpileModule(readFileSync(new URL(href), 'utf8'), { fileName: href, compilerOptions }).outputText;
    // data: modules cannot resolve relative or bare specifiers: make every one absolute.
    const code = source.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g, (m, pre: string, _q, spec: string) => {
      if (spec.startsWith('node:')) return m;
      if (spec.startsWith('.')) return pre + JSON.stringify(load(new URL(spec, href).href));
      return pre + JSON.stringify(pathToFileURL(createRequire(href).resolve(spec)).href);
    });
    const url = `data:text/javascript,${encodeURIComponent(code)}`;
    memo.set(href, url);
    return url;
  };
  const url = load(entry.href);
  cache.set(entry.href, url);
  return url;
}
