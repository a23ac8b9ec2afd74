import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K, type RankedList } from './reciprocal-rank-fusion.js';

const list = (retriever: string, ids: string[]): RankedList<string> => ({
  retriever,
  items: ids.map((id, index) => ({ id, item: `${retriever}:${id}`, score: 1 - index / 10 })),
});

describe('reciprocalRankFusion', () => {
  it('sums 1 / (k + rank) over the lists with k = 60 by default', () => {
    const fused = reciprocalRankFusion([list('vector', ['a', 'b']), list('lexical', ['b', 'c'])]);
    expect(RRF_K).toBe(60);
    expect(fused.map((entry) => entry.id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 61, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 62, 12);
  });

  it("keeps each retriever's score and 1-based rank as provenance, and the first list's item", () => {
    const [best] = reciprocalRankFusion([list('vector', ['x', 'y']), list('lexical', ['y'])]);
    expect(best).toEqual({ id: 'y', item: 'vector:y', score: 1 / 62 + 1 / 61, retrievers: { vector: { score: 0.9, rank: 2 }, lexical: { score: 1, rank: 1 } } });
  });

  it('prefers an item both retrievers found over one ranked first by a single retriever', () => {
    const fused = reciprocalRankFusion([list('vector', ['solo', 'v2', 'both']), list('lexical', ['l1', 'both'])]);
    expect(fused[0]?.id).toBe('both');
  });

  it('breaks ties by best single rank, then id, and counts an id repeated in one list once', () => {
    const fused = reciprocalRankFusion([list('vector', ['b', 'a', 'a']), list('lexical', ['a', 'b'])]);
    expect(fused.map((entry) => entry.id)).toEqual(['a', 'b']);
    expect(fused[0]?.retrievers.vector?.rank).toBe(2);
    expect(reciprocalRankFusion([list('one', ['z']), list('two', ['y'])]).map((entry) => entry.id)).toEqual(['y', 'z']);
  });

  it('honours another k, handles empty lists and rejects a negative k', () => {
    expect(reciprocalRankFusion([list('a', ['x'])], { k: 0 })[0]?.score).toBe(1);
    expect(reciprocalRankFusion([list('a', []), list('b', [])])).toEqual([]);
    expect(() => reciprocalRankFusion([], { k: -1 })).toThrow(RangeError);
  });

  it('weights each list: weight / (k + rank), so a trusted retriever’s first hit can outrank a pair of middling ones', () => {
    const lists = [list('vector', ['v1', 'both']), { ...list('lexical', ['l1', 'both']), weight: 3 }];
    const fused = reciprocalRankFusion(lists, { k: 5 });
    expect(fused.map((entry) => entry.id)).toEqual(['both', 'l1', 'v1']);
    expect(fused[0]?.score).toBeCloseTo(1 / 7 + 3 / 7, 12);
    expect(fused[1]?.score).toBeCloseTo(3 / 6, 12);
    expect(reciprocalRankFusion([{ ...list('a', ['x']), weight: 0 }], { k: 0 })[0]?.score).toBe(0);
    expect(() => reciprocalRankFusion([{ ...list('a', ['x']), weight: -1 }])).toThrow(RangeError);
  });
});
