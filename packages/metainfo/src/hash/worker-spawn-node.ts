// Starts a hashing worker (node:worker_threads) from wherever this module was loaded: `worker.js`
// next to it in dist/, or `worker.ts` next to it in src/. Deno and Bun run .ts natively. Node 20
// cannot, so when this package runs from source under Node (vitest in this repo) the worker's
// module graph is transpiled once per process with the `typescript` package (present only in
// development) and handed to the worker as data: URLs. Published builds always take the dist/ path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

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

/** Start one hashing worker. */
export function spawnHashWorker(): Worker {
  return spawnWorker(workerEntryUrl());
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
