// Shared helpers for benchmarks: paired alternating timed rounds and plain-text tables.

/**
 * Times two functions, `ours` and `theirs`, in many short alternating rounds. On a shared or virtual
 * machine the speed of the CPU drifts by up to 2x over seconds; a pair of adjacent rounds sees the
 * same conditions, so the ratio of each pair measures the code, not the moment. Returns each one's
 * best milliseconds per call, and the median and quartiles of the per-pair ratios (theirs / ours).
 */
export function timePaired(ours, theirs, { ms = 25, rounds = 61 } = {}) {
  for (let i = 0; i < 20; i++) {
    ours();
    theirs();
  }
  const run = (fn) => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      fn();
      n++;
      now = performance.now();
    }
    return (now - start) / n;
  };
  const pairs = [];
  // Alternate which goes first, so neither always follows the other's garbage.
  for (let r = 0; r < rounds; r++) pairs.push(r % 2 === 0 ? [run(ours), run(theirs)] : [run(theirs), run(ours)].reverse());
  return summarize(pairs);
}

/** {@link timePaired} for functions that return promises (each call is awaited). */
export async function timePairedAsync(ours, theirs, { ms = 25, rounds = 61 } = {}) {
  for (let i = 0; i < 20; i++) {
    await ours();
    await theirs();
  }
  const run = async (fn) => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      await fn();
      n++;
      now = performance.now();
    }
    return (now - start) / n;
  };
  const pairs = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) pairs.push([await run(ours), await run(theirs)]);
    else pairs.push([await run(theirs), await run(ours)].reverse());
  }
  return summarize(pairs);
}

/** Best ms per call of each, and the median and quartiles of the per-pair ratios (theirs / ours). */
function summarize(pairs) {
  const ratios = pairs.map(([a, b]) => b / a).sort((x, y) => x - y);
  const at = (q) => ratios[Math.round(q * (ratios.length - 1))];
  return {
    ours: Math.min(...pairs.map((p) => p[0])),
    theirs: Math.min(...pairs.map((p) => p[1])),
    median: at(0.5),
    q1: at(0.25),
    q3: at(0.75),
  };
}

/** Formats rows (arrays of cells) as an aligned text table. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
