// Starts a hashing worker (node:worker_threads) from wherever this module was loaded: `worker.js`
// next to it in dist/, or `worker.ts` next to it in src/. Deno and Bun run .ts natively. Node 20
// cannot, so when this package runs from source under Node (vitest in this repo) the worker's
// module graph is transpiled once per process with the `typescript` package (present only in
// development) and handed to the worker as data: URLs. Published builds always take the dist/ path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** URL of the worker entry that matches this module's own extension (.ts in src, .js in dist). */
export function workerEntryUrl(): URL {
  const self = import.meta.url;
  return new URL(/\.[mc]?ts$/.test(self) ? './worker.ts' : './worker.js', self);
}

function runsTypeScript(): boolean {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { features?: { typescript?: unknown } } };
  return g.Deno !== undefined || g.Bun !== undefined || Boolean(g.process?.features?.typescript);
}

/** Start one hashing worker. */
export function spawnHashWorker(): Worker {
  const entry = workerEntryUrl();
  if (!entry.pathname.endsWith('.ts') || runsTypeScript()) return new Worker(entry);
  return new Worker(new URL(transpiledGraph(entry)));
}

let cached: string | undefined;

/** data: URL of `entry` with its relative imports inlined as data: URLs, transpiled from TS. */
function transpiledGraph(entry: URL): string {
  if (cached) return cached;
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
  return (cached = load(entry.href));
}
