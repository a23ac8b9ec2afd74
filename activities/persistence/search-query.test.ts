import { describe, expect, it } from 'vitest';
import { MAX_QUERY_WORDS, queryWords } from './search-query.js';

describe('queryWords', () => {
  it('keeps distinct lower-cased words in order', () => {
    expect(queryWords('How do I rotate API keys? rotate!')).toEqual(['how', 'do', 'i', 'rotate', 'api', 'keys']);
  });

  it('strips every tsquery operator and quote', () => {
    expect(queryWords(`it's a & b | !c (d):* 'e' "f" \\g; drop table x; --`)).toEqual(['it', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'drop', 'table', 'x']);
  });

  it('keeps letters with diacritics, non-Latin scripts and digits', () => {
    expect(queryWords('Café naïve 東京 v2 ２０２４')).toEqual(['café', 'naïve', '東京', 'v2', '2024']);
  });

  it('returns nothing when no word is left', () => {
    expect(queryWords('')).toEqual([]);
    expect(queryWords(`  &|!():*'"  -- ;`)).toEqual([]);
  });

  it('caps the number of words', () => {
    const text = Array.from({ length: MAX_QUERY_WORDS + 10 }, (_, index) => `word${index}`).join(' ');
    expect(queryWords(text)).toHaveLength(MAX_QUERY_WORDS);
    expect(queryWords(text).at(-1)).toBe(`word${MAX_QUERY_WORDS - 1}`);
  });
});
