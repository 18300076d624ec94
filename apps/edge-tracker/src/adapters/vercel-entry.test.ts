// Vercel picks a function's runtime by reading its entry file's source, not by running it: only an
// exported `const config` object literal in that file counts (@vercel/static-config), so a re-exported
// config silently deploys the tracker on the Node.js runtime. Check api/tracker.ts the same way.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appDir } from '../../test/workerd.ts';

describe('api/tracker.ts (the Vercel function)', () => {
  const source = readFileSync(`${appDir}/api/tracker.ts`, 'utf8');

  it('declares the edge runtime in a way static analysis sees', () => {
    const literal = /^export const config = (\{[^}]*\});?$/m.exec(source);
    expect(literal, 'an `export const config = { ... }` line').not.toBeNull();
    expect(literal![1]).toMatch(/^\{\s*runtime:\s*['"]edge['"],?\s*\}$/);
    expect(source).not.toMatch(/export\s*\{[^}]*\bconfig\b[^}]*\}\s*from/);
  });

  it('exports the adapter as its default handler, with the same config', async () => {
    const entry = await import('../../api/tracker.ts');
    const adapter = await import('./vercel.ts');
    expect(entry.default).toBe(adapter.default);
    expect(entry.config).toEqual(adapter.config);
  });
});
