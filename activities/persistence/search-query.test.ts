import { describe, expect, it } from 'vitest';
import { MAX_QUERY_WORDS, queryWords, toOrTsQuery } from './search-query.js';

describe('toOrTsQuery', () => {
  it('joins distinct lower-cased words with OR', () => {
    expect(toOrTsQuery('How do I rotate API keys? rotate!')).toBe('how | do | i | rotate | api | keys');
  });

  it('strips every tsquery operator and quote', () => {
    expect(toOrTsQuery(`it's a & b | !c (d):* 'e' "f" \\g; drop table x; --`)).toBe(
      'it | s | a | b | c | d | e | f | g | drop | table | x',
    );
  });

  it('keeps letters with diacritics, non-Latin scripts and digits', () => {
    expect(toOrTsQuery('Café naïve 東京 v2 ２０２４')).toBe('café | naïve | 東京 | v2 | 2024');
  });

  it('returns null when no word is left', () => {
    expect(toOrTsQuery('')).toBeNull();
    expect(toOrTsQuery(`  &|!():*'"  -- ;`)).toBeNull();
  });

  it('caps the number of words', () => {
    const text = Array.from({ length: MAX_QUERY_WORDS + 10 }, (_, index) => `word${index}`).join(' ');
    expect(queryWords(text)).toHaveLength(MAX_QUERY_WORDS);
    expect(queryWords(text).at(-1)).toBe(`word${MAX_QUERY_WORDS - 1}`);
  });
});
