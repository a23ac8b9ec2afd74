/**
 * Hybrid knowledge search: vector search (the `VectorStore`) and lexical search (PostgreSQL full text) run in
 * parallel under the same tenant, scope and source filters, fused by weighted reciprocal rank fusion
 * ({@link HYBRID_FUSION}), then optionally reranked. Every hit keeps each retriever's score and rank as provenance. One retriever failing
 * degrades the search (its error is reported); only both failing throws.
 */
import type { KnowledgeSearchHit } from '../../domain/knowledge.js';
import type { EmbeddingModel } from '../llm/embedding-model.js';
import type { KnowledgeHit, Store } from '../persistence/store.js';
import { reciprocalRankFusion, type RankedList } from './reciprocal-rank-fusion.js';
import type { Reranker } from './rerank.js';
import type { VectorHit, VectorStore } from './vector-store.js';

export interface HybridSearchDeps {
  store: Store;
  vectorStore: VectorStore;
  embeddingModel: EmbeddingModel;
  /** Reorders the fused candidates; absent: fused order. */
  reranker?: Reranker;
}

export interface HybridSearchInput {
  tenantId: string;
  query: string;
  limit: number;
  /** Only chunks carrying one of these scopes (an empty list finds nothing). */
  scopes?: string[];
  sourceIds?: string[];
}

/** How one retriever did. */
export interface RetrieverReport {
  durationMs: number;
  hits: number;
  error?: string;
}

export interface HybridSearchResult {
  hits: KnowledgeSearchHit[];
  retrievers: { vector: RetrieverReport; lexical: RetrieverReport };
}

/** Candidates each retriever contributes, as a multiple of the limit (fusion needs more than the final few). */
export const CANDIDATE_MULTIPLIER = 4;
/** At least this many candidates per retriever. */
export const MIN_CANDIDATES = 20;
/** At most this many candidates per retriever, whatever the limit. */
export const MAX_CANDIDATES = 200;

/**
 * Weighted RRF settings of hybrid search, chosen on the dev half of `npm run eval:retrieval` (see
 * `bench/results/retrieval-eval.json`): a small k lets a retriever's first hit count (PostgreSQL full text often
 * ranks the answering chunk first where the hashed local embedding misses it entirely), and lexical evidence
 * weighs 1.5 times the vector evidence. With a semantic embedding model the vector side deserves more trust;
 * the eval reports other models beside the local default when configured.
 */
export const HYBRID_FUSION = { k: 5, weights: { vector: 1, lexical: 1.5 } } as const;

type Candidate = Omit<KnowledgeSearchHit, 'score' | 'retrievers'>;

/** Runs both retrievers, fuses, reranks; see the module comment. */
export async function searchKnowledgeHybrid(deps: HybridSearchDeps, input: HybridSearchInput): Promise<HybridSearchResult> {
  const limit = Math.max(0, Math.floor(input.limit));
  const candidates = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, limit * CANDIDATE_MULTIPLIER));
  const [vector, lexical] = await Promise.all([
    timed(() => vectorCandidates(deps, input, candidates)),
    timed(() => lexicalCandidates(deps.store, input, candidates)),
  ]);
  if (vector.error !== undefined && lexical.error !== undefined) {
    throw new Error(`knowledge search failed: vector: ${vector.error}; lexical: ${lexical.error}`);
  }
  const lists: RankedList<Candidate>[] = [
    { retriever: 'vector', weight: HYBRID_FUSION.weights.vector, items: vector.items },
    { retriever: 'lexical', weight: HYBRID_FUSION.weights.lexical, items: lexical.items },
  ];
  const fused = reciprocalRankFusion(lists, { k: HYBRID_FUSION.k }).map<KnowledgeSearchHit>((entry) => ({
    ...entry.item,
    score: entry.score,
    retrievers: entry.retrievers,
  }));
  const ranked = deps.reranker === undefined ? fused : await deps.reranker.rerank(input.query, fused);
  return {
    hits: ranked.slice(0, limit),
    retrievers: { vector: reportOf(vector), lexical: reportOf(lexical) },
  };
}

async function vectorCandidates(deps: HybridSearchDeps, input: HybridSearchInput, limit: number): Promise<RankedList<Candidate>['items']> {
  if (input.scopes?.length === 0 || input.sourceIds?.length === 0 || input.query.trim() === '') return [];
  const { embeddings } = await deps.embeddingModel.embed([input.query]);
  const vector = embeddings[0];
  if (vector === undefined) throw new Error('the embedding model returned no vector for the query');
  const hits = await deps.vectorStore.search({
    vector,
    limit,
    filter: {
      tenantId: input.tenantId,
      ...(input.scopes === undefined ? {} : { scopes: input.scopes }),
      ...(input.sourceIds === undefined ? {} : { sourceIds: input.sourceIds }),
    },
  });
  // Belt and braces: whatever an adapter does, another tenant's chunk never leaves this function.
  return hits.filter((hit) => hit.record.tenantId === input.tenantId).map(fromVectorHit);
}

async function lexicalCandidates(store: Store, input: HybridSearchInput, limit: number): Promise<RankedList<Candidate>['items']> {
  const hits = await store.searchKnowledge({
    tenantId: input.tenantId,
    query: input.query,
    limit,
    ...(input.scopes === undefined ? {} : { scopes: input.scopes }),
    ...(input.sourceIds === undefined ? {} : { sourceIds: input.sourceIds }),
  });
  return hits.map(fromLexicalHit);
}

function fromVectorHit(hit: VectorHit): RankedList<Candidate>['items'][number] {
  const { record } = hit;
  return {
    id: record.id,
    score: hit.score,
    item: {
      chunkId: record.id,
      documentId: record.documentId,
      sourceId: record.sourceId,
      title: record.title,
      heading: record.heading,
      url: record.url,
      text: record.text,
      updatedAt: record.updatedAt,
    },
  };
}

function fromLexicalHit(hit: KnowledgeHit): RankedList<Candidate>['items'][number] {
  return {
    id: hit.chunkId,
    score: hit.score,
    item: {
      chunkId: hit.chunkId,
      documentId: hit.documentId,
      sourceId: hit.sourceId,
      title: hit.title,
      heading: hit.heading,
      url: hit.url,
      text: hit.text,
      updatedAt: hit.updatedAt,
    },
  };
}

interface Timed<Item> {
  items: Item[];
  durationMs: number;
  error?: string;
}

async function timed<Item>(run: () => Promise<Item[]>): Promise<Timed<Item>> {
  const started = performance.now();
  try {
    const items = await run();
    return { items, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { items: [], durationMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  }
}

function reportOf(result: Timed<unknown>): RetrieverReport {
  return { durationMs: result.durationMs, hits: result.items.length, ...(result.error === undefined ? {} : { error: result.error }) };
}
