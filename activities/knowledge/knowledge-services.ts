/**
 * The knowledge layer's clients, injected into the activities (`ActivityDependencies.knowledge`) by the
 * worker: absent, the retrieval stage falls back to lexical search only and live web stays off.
 */
import type { EmbeddingModel } from '../llm/embedding-model.js';
import type { WebFetcher } from '../web/web-fetcher.js';
import { TermProximityReranker, type Reranker } from './rerank.js';
import type { VectorStore } from './vector-store.js';

export interface KnowledgeServices {
  vectorStore: VectorStore;
  embeddingModel: EmbeddingModel;
  /** Live web retrieval for the turn; absent: the web source reports itself disabled. */
  webFetcher?: WebFetcher;
  /** Hosts live web retrieval may read (exact names, `*.example.com` for subdomains); empty: live web off. */
  liveWebHosts: string[];
  /**
   * The rerank step of the turn's knowledge search. Absent: the local term-proximity reranker, which raised
   * fused recall@5 on the demo evaluation (`npm run eval:retrieval`); `null`: fused order, no rerank.
   */
  reranker?: Reranker | null;
}

const DEFAULT_RERANKER = new TermProximityReranker();

/** The reranker a knowledge search uses: the configured one, the local default when unset, none when `null`. */
export function rerankerOf(knowledge: Pick<KnowledgeServices, 'reranker'>): Reranker | undefined {
  if (knowledge.reranker === null) return undefined;
  return knowledge.reranker ?? DEFAULT_RERANKER;
}
