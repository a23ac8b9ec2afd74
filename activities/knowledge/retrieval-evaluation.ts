/**
 * Retrieval evaluation over the demo help center: each labelled question is run through vector-only,
 * lexical-only, fused and fused + reranked retrieval, and recall@k and MRR are computed from where the first
 * relevant chunk lands. A chunk is relevant when it belongs to the labelled article and contains the labelled
 * quote (compared without Markdown emphasis, case or whitespace), so labels survive re-chunking.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { EmbeddingModel } from '../llm/embedding-model.js';
import { terms } from '../llm/text.js';
import type { Store } from '../persistence/store.js';
import { searchKnowledgeHybrid } from './hybrid-search.js';
import type { Reranker } from './rerank.js';
import type { VectorStore } from './vector-store.js';

const QuestionSetSchema = z.object({
  description: z.string(),
  questions: z.array(z.object({ id: z.string(), question: z.string().min(1), slug: z.string().min(1), quote: z.string().min(1) })).min(1),
});
export type EvaluationQuestion = z.infer<typeof QuestionSetSchema>['questions'][number];

/** The bundled question set. */
export const QUESTIONS_FILE = new URL('./__fixtures__/retrieval-questions.json', import.meta.url);

/** Ranks looked at: MRR counts the first relevant hit within the top `DEPTH`. */
export const DEPTH = 10;

export async function loadEvaluationQuestions(file: URL = QUESTIONS_FILE): Promise<EvaluationQuestion[]> {
  return QuestionSetSchema.parse(JSON.parse(await readFile(file, 'utf8'))).questions;
}

/** What a retriever returned for one question: chunk texts with their document ids, best first. */
export interface RankedChunk {
  documentId: string;
  text: string;
}

export interface RetrievalMetrics {
  questions: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
}

/** Lower-cased, Markdown emphasis and code ticks removed, whitespace collapsed. */
export function normalizeForMatch(text: string): string {
  return text.replace(/[*`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** 1-based rank of the first relevant chunk, or null. Document ids end with `:<slug>` (demo ids). */
export function firstRelevantRank(question: EvaluationQuestion, chunks: readonly RankedChunk[]): number | null {
  const quote = normalizeForMatch(question.quote);
  const index = chunks.findIndex((chunk) => (chunk.documentId === question.slug || chunk.documentId.endsWith(`:${question.slug}`)) && normalizeForMatch(chunk.text).includes(quote));
  return index < 0 ? null : index + 1;
}

/** Recall@k and MRR from first-relevant ranks (null: not found within the depth). */
export function metricsOf(ranks: readonly (number | null)[]): RetrievalMetrics {
  const share = (k: number) => ranks.filter((rank) => rank !== null && rank <= k).length / Math.max(1, ranks.length);
  const round = (value: number) => Number(value.toFixed(4));
  return {
    questions: ranks.length,
    recallAt1: round(share(1)),
    recallAt5: round(share(5)),
    recallAt10: round(share(10)),
    mrr: round(ranks.reduce<number>((sum, rank) => sum + (rank === null ? 0 : 1 / rank), 0) / Math.max(1, ranks.length)),
  };
}

/**
 * Share of the question's search terms (stemmed, stopwords out) found in the answering quote's article
 * section: low overlap marks a paraphrase, where lexical search has little to hold on to.
 */
export function lexicalOverlap(question: string, passage: string): number {
  const questionTerms = [...new Set(terms(question))];
  if (questionTerms.length === 0) return 0;
  const passageTerms = new Set(terms(passage));
  return questionTerms.filter((term) => passageTerms.has(term)).length / questionTerms.length;
}

export interface EvaluationDeps {
  store: Store;
  vectorStore: VectorStore;
  embeddingModel: EmbeddingModel;
  reranker?: Reranker;
}

export const RetrievalMode = { vector: 'vector', lexical: 'lexical', fused: 'fused', fusedReranked: 'fused+rerank' } as const;
export type RetrievalMode = (typeof RetrievalMode)[keyof typeof RetrievalMode];

/** The top `DEPTH` chunks of one retrieval mode for one question. */
export async function retrieve(deps: EvaluationDeps, mode: RetrievalMode, tenantId: string, query: string): Promise<RankedChunk[]> {
  if (mode === 'lexical') return deps.store.searchKnowledge({ tenantId, query, limit: DEPTH });
  if (mode === 'vector') {
    const { embeddings } = await deps.embeddingModel.embed([query]);
    const hits = await deps.vectorStore.search({ vector: embeddings[0] ?? [], limit: DEPTH, filter: { tenantId } });
    return hits.map((hit) => hit.record);
  }
  const reranker = mode === 'fused+rerank' ? deps.reranker : undefined;
  const { hits } = await searchKnowledgeHybrid({ store: deps.store, vectorStore: deps.vectorStore, embeddingModel: deps.embeddingModel, ...(reranker === undefined ? {} : { reranker }) }, { tenantId, query, limit: DEPTH });
  return hits;
}

/** Per question and mode, the first relevant rank. */
export async function evaluate(
  deps: EvaluationDeps,
  tenantId: string,
  questions: readonly EvaluationQuestion[],
  modes: readonly RetrievalMode[],
): Promise<Map<RetrievalMode, (number | null)[]>> {
  const ranks = new Map<RetrievalMode, (number | null)[]>(modes.map((mode) => [mode, []]));
  for (const question of questions) {
    for (const mode of modes) ranks.get(mode)?.push(firstRelevantRank(question, await retrieve(deps, mode, tenantId, question.question)));
  }
  return ranks;
}
