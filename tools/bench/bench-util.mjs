// Shared helpers for benchmarks: alternating timed rounds (best-of-rounds mean, least disturbed by other
// load on the machine) and plain-text tables.

/**
 * Times several functions in alternating rounds (a, b, a, b, ...) so that load changes on a shared
 * machine hit all of them alike; returns each one's best milliseconds per call.
 */
export function timeInterleaved(fns, { ms = 200, rounds = 7 } = {}) {
  for (const fn of fns) for (let i = 0; i < 20; i++) fn();
  const best = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, k) => {
      let n = 0;
      const start = performance.now();
      let now = start;
      while (now - start < ms) {
        for (let i = 0; i < 8; i++) fn();
        n += 8;
        now = performance.now();
      }
      best[k] = Math.min(best[k], (now - start) / n);
    });
  }
  return best;
}

/** Formats rows (arrays of cells) as an aligned text table. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
