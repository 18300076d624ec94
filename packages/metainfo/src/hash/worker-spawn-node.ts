// Starts a hashing worker (node:worker_threads) from wherever this module was loaded: `worker.js`
// next to it in dist/, or `worker.ts` next to it in src/. Deno and Bun run .ts natively. Node 20
// cannot, so when this package runs from source under Node (vitest in this repo) the worker is
// booted through a tiny module hook that transpiles .ts with the `typescript` package, which is
// only present in development; published builds always take the dist/ path.
import { createRequire } from 'node:module';
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
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(tsBootstrap(entry))}`));
}

function tsBootstrap(entry: URL): string {
  const tsPath = createRequire(entry).resolve('typescript');
  const loader = `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const ts = createRequire(${JSON.stringify(tsPath)})(${JSON.stringify(tsPath)});
const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const source = ts.transpileModule(readFileSync(new URL(url), 'utf8'), { fileName: url, compilerOptions: options }).outputText;
  return { format: 'module', source, shortCircuit: true };
}`;
  return `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(loader)}`)});
await import(${JSON.stringify(entry.href)});`;
}
