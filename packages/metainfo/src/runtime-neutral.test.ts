// The package's entry must load on runtimes without Node's built-ins (edge workers, browsers):
// node: modules may only be reached through dynamic import(), by the file and worker adapters.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Specifiers of a module's static imports and re-exports (not `import type`, not `import()`). */
function staticImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

describe('runtime neutrality', () => {
  it('nothing reachable from src/index.ts or src/index.web.ts by static imports is a node: module', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('node:')) offenders.push(`${file.slice(here.length + 1)} imports ${spec}`);
        else if (spec.startsWith('.')) visit(join(dirname(file), spec));
      }
    };
    visit(join(here, 'index.web.ts'));
    expect(seen.has(join(here, 'index.ts'))).toBe(true);
    expect(seen.size).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });
});
