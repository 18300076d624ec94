// Rarest-first piece selection (BEP 3 leaves the strategy to the client; rarest first is what keeps a
// swarm healthy: pieces few peers hold get copied before those peers leave). Ties are broken at random
// so two leechers starting together fetch different pieces and soon have something to trade.

/** The pieces of one remote peer (structural, so wire's Bitfield fits). */
export interface PieceSet {
  has(index: number): boolean;
}

/**
 * Picks the piece to fetch from `theirs`: one we lack, nobody is fetching yet, and the fewest
 * connected peers hold (`available`). Returns -1 when there is none.
 */
export function pickRarest(
  pieceCount: number,
  theirs: PieceSet,
  wanted: (index: number) => boolean,
  available: (index: number) => number,
  random: () => number = Math.random,
): number {
  let best = -1;
  let bestCount = Infinity;
  let ties = 0;
  for (let i = 0; i < pieceCount; i++) {
    if (!theirs.has(i) || !wanted(i)) continue;
    const n = available(i);
    if (n < bestCount) {
      best = i;
      bestCount = n;
      ties = 1;
    } else if (n === bestCount && random() * ++ties < 1) {
      // Reservoir sampling: each of the equally rare pieces is chosen with the same probability.
      best = i;
    }
  }
  return best;
}
