/**
 * Reduces free user text to search words: letters, marks and digits only, so no tsquery operator
 * (`& | ! ( ) : * '`) survives; the words are still passed as a bound parameter, never spliced into SQL.
 */

/** Upper bound on words per query: bounds the cost of the OR query on long pasted text. */
export const MAX_QUERY_WORDS = 32;

const WORD_PATTERN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/** The distinct lower-cased words of `text`, in order of first appearance, at most `MAX_QUERY_WORDS`. */
export function queryWords(text: string): string[] {
  const words = new Set<string>();
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD_PATTERN)) {
    words.add(match[0]);
    if (words.size >= MAX_QUERY_WORDS) break;
  }
  return [...words];
}
