/**
 * A bounded memo for pure analyses of a text (sentences and terms of a passage, PII and injection scans).
 * One turn reads the same retrieved passages several times (retrieval, each agent's model call, synthesis,
 * QA), and a knowledge base's passages recur from turn to turn: recomputing those analyses was a large share
 * of a turn's activity CPU. Values are shared between callers, so they must be treated as read-only.
 */
import { LRUCache } from 'lru-cache';

/** Texts longer than this are analysed every time instead (a few of them would crowd out the rest). */
export const MEMO_MAX_TEXT_LENGTH = 20_000;

/** `analyse`, remembered for the last `maxEntries` distinct texts (least recently used are dropped first). */
export function memoizeByText<T extends NonNullable<unknown>>(analyse: (text: string) => T, maxEntries = 1000): (text: string) => T {
  const cache = new LRUCache<string, T>({ max: maxEntries });
  return (text) => {
    if (text.length > MEMO_MAX_TEXT_LENGTH) return analyse(text);
    let value = cache.get(text);
    if (value === undefined) {
      value = analyse(text);
      cache.set(text, value);
    }
    return value;
  };
}
