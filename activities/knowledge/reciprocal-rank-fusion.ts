/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): each ranked list gives an item
 * `1 / (k + rank)` (rank 1-based) and the item's fused score is the sum over the lists that found it.
 * Only ranks matter, so retrievers whose scores live on different scales (cosine similarity, `ts_rank_cd`)
 * combine without calibration. `k = 60` is the paper's constant: large enough that an item ranked first by
 * one retriever does not drown an item ranked well by both. A list may carry a weight (weighted RRF): its
 * items then add `weight / (k + rank)`, for retrievers known to be more reliable than the others.
 */

/** The paper's constant, used unless a caller passes another. */
export const RRF_K = 60;

/** One retriever's result: its name and its hits, best first, each with the retriever's own score. */
export interface RankedList<Item> {
  retriever: string;
  /** Multiplies this list's contributions (default 1; must be >= 0). */
  weight?: number;
  items: { id: string; item: Item; score: number }[];
}

/** A fused item: the fused score and, per retriever that found it, its score and 1-based rank there. */
export interface FusedItem<Item> {
  id: string;
  item: Item;
  score: number;
  retrievers: Record<string, { score: number; rank: number }>;
}

/**
 * Fuses ranked lists by reciprocal rank fusion, best first. An id repeated within one list counts at its best
 * rank only; the item kept is the one of the first list that found it. Ties break by best single rank, then id,
 * so the order is deterministic.
 */
export function reciprocalRankFusion<Item>(lists: readonly RankedList<Item>[], options: { k?: number } = {}): FusedItem<Item>[] {
  const k = options.k ?? RRF_K;
  if (!(k >= 0)) throw new RangeError(`k must be >= 0, got ${k}`);
  const fused = new Map<string, FusedItem<Item> & { bestRank: number }>();
  for (const list of lists) {
    const weight = list.weight ?? 1;
    if (!(weight >= 0)) throw new RangeError(`weight of ${list.retriever} must be >= 0, got ${weight}`);
    list.items.forEach((entry, index) => {
      const rank = index + 1;
      let current = fused.get(entry.id);
      if (current === undefined) {
        current = { id: entry.id, item: entry.item, score: 0, retrievers: {}, bestRank: rank };
        fused.set(entry.id, current);
      }
      if (current.retrievers[list.retriever] !== undefined) return;
      current.retrievers[list.retriever] = { score: entry.score, rank };
      current.score += weight / (k + rank);
      current.bestRank = Math.min(current.bestRank, rank);
    });
  }
  return [...fused.values()]
    .sort((left, right) => right.score - left.score || left.bestRank - right.bestRank || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0))
    .map(({ bestRank: _bestRank, ...item }) => item);
}
