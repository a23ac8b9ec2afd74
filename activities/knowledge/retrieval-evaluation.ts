/**
 * Retrieval evaluation over the demo help center: each labelled question is run through vector-only,
 * lexical-only, fused and fused + reranked retrieval, and recall@k and MRR are computed from where the first
 * relevant chunk lands. A chunk is relevant when it belongs to the labelled article and contains the labelled
 * quote (compared without Markdown emphasis, case or whitespace), so labels survive re-chunking.
 */
import { createHash } from 'node:crypto';
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

/** The two halves of the question set: tune on `dev`, report `heldOut` untouched. */
export const EvaluationSplit = { dev: 'dev', heldOut: 'heldOut' } as const;
export type EvaluationSplit = (typeof EvaluationSplit)[keyof typeof EvaluationSplit];

/**
 * Deterministic split by question id: the low bit of the first byte of sha256(id). Fixed before any tuning,
 * independent of the question text and labels.
 */
export function evaluationSplitOf(questionId: string): EvaluationSplit {
  const firstByte = createHash('sha256').update(questionId).digest()[0] ?? 0;
  return (firstByte & 1) === 0 ? EvaluationSplit.dev : EvaluationSplit.heldOut;
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

/** Per mode, the first relevant rank of each question and how long each retrieval took (ms). */
export interface EvaluationRun {
  ranks: Map<RetrievalMode, (number | null)[]>;
  durationsMs: Map<RetrievalMode, number[]>;
}

/** Per question and mode, the first relevant rank and the retrieval's duration. */
export async function evaluate(deps: EvaluationDeps, tenantId: string, questions: readonly EvaluationQuestion[], modes: readonly RetrievalMode[]): Promise<EvaluationRun> {
  const ranks = new Map<RetrievalMode, (number | null)[]>(modes.map((mode) => [mode, []]));
  const durationsMs = new Map<RetrievalMode, number[]>(modes.map((mode) => [mode, []]));
  for (const question of questions) {
    for (const mode of modes) {
      const started = performance.now();
      const chunks = await retrieve(deps, mode, tenantId, question.question);
      durationsMs.get(mode)?.push(performance.now() - started);
      ranks.get(mode)?.push(firstRelevantRank(question, chunks));
    }
  }
  return { ranks, durationsMs };
}

/** The `fraction` quantile (nearest rank) of `values`, rounded to 0.1 ms; null when empty. */
export function quantileMs(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return Number((sorted[index] ?? 0).toFixed(1));
}
