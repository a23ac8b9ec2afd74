/**
 * The optional rerank step of hybrid search: reorders the fused candidates with a closer look at each one.
 * {@link TermProximityReranker} is a cheap local cross-feature scorer (query-term coverage of the chunk and its
 * title/heading, and how close together the matched terms sit) blended with the fused rank. Off by default:
 * `npm run eval:retrieval` reports whether it helps on the demo knowledge base.
 */
import type { KnowledgeSearchHit } from '../../domain/knowledge.js';
import { terms } from '../llm/text.js';

export interface Reranker {
  readonly name: string;
  /** The same hits, best first, each with the reranker's score in `score`. */
  rerank(query: string, hits: KnowledgeSearchHit[]): Promise<KnowledgeSearchHit[]>;
}

/** Settings of {@link TermProximityReranker}. */
export interface TermProximityOptions {
  /** Weight of the fused rank prior against the term features (0..1, default 0.5). */
  priorWeight?: number;
  /** Window (in terms) within which matched query terms count as close (default 12). */
  window?: number;
}

/** Local reranker: term coverage, title/heading coverage and proximity, blended with the fused order. */
export class TermProximityReranker implements Reranker {
  readonly name = 'term-proximity';
  readonly #priorWeight: number;
  readonly #window: number;

  constructor(options: TermProximityOptions = {}) {
    this.#priorWeight = options.priorWeight ?? 0.5;
    this.#window = options.window ?? 12;
  }

  rerank(query: string, hits: KnowledgeSearchHit[]): Promise<KnowledgeSearchHit[]> {
    const queryTerms = [...new Set(terms(query))];
    if (queryTerms.length === 0 || hits.length === 0) return Promise.resolve(hits);
    const scored = hits.map((hit, index) => {
      const features = this.featuresOf(queryTerms, hit);
      const prior = 1 / (1 + index);
      return { hit, score: this.#priorWeight * prior + (1 - this.#priorWeight) * features, index };
    });
    scored.sort((left, right) => right.score - left.score || left.index - right.index);
    return Promise.resolve(scored.map(({ hit, score }) => ({ ...hit, score: Number(score.toFixed(6)) })));
  }

  /** 0..1: half body coverage, a quarter title/heading coverage, a quarter best-window proximity. */
  private featuresOf(queryTerms: string[], hit: KnowledgeSearchHit): number {
    const bodyTerms = terms(hit.text);
    const body = new Set(bodyTerms);
    const label = new Set(terms(`${hit.title} ${hit.heading ?? ''}`));
    const coverage = queryTerms.filter((term) => body.has(term)).length / queryTerms.length;
    const labelCoverage = queryTerms.filter((term) => label.has(term)).length / queryTerms.length;
    return 0.5 * coverage + 0.25 * labelCoverage + 0.25 * this.proximity(queryTerms, bodyTerms);
  }

  /** Most distinct query terms inside any window of the body, as a share of the query terms. */
  private proximity(queryTerms: string[], bodyTerms: string[]): number {
    const wanted = new Set(queryTerms);
    let best = 0;
    for (let start = 0; start < bodyTerms.length; start += 1) {
      const seen = new Set<string>();
      for (let position = start; position < Math.min(bodyTerms.length, start + this.#window); position += 1) {
        const term = bodyTerms[position];
        if (term !== undefined && wanted.has(term)) seen.add(term);
      }
      best = Math.max(best, seen.size);
    }
    return best / queryTerms.length;
  }
}
