import type { Passage, SourceResult } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { terms } from '../llm/text.js';
import type { MessageRecord } from '../persistence/store.js';

export interface RetrieveKnowledgeInput {
  tenantId: string;
  query: string;
  limit: number;
}

export interface RetrieveWebInput {
  query: string;
}

export interface RetrieveCustomerHistoryInput {
  tenantId: string;
  customerId: string | null;
  conversationId: string;
  query: string;
  limit: number;
}

function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}

/** Share of the query's terms found in the text: a cheap relevance score for history messages. */
function overlapScore(queryTerms: Set<string>, text: string): number {
  if (queryTerms.size === 0) return 0;
  const textTerms = new Set(terms(text));
  let shared = 0;
  for (const term of queryTerms) if (textTerms.has(term)) shared += 1;
  return shared / queryTerms.size;
}

function historyPassage(message: MessageRecord, score: number): Passage {
  return {
    id: message.id,
    source: 'history',
    documentId: message.conversationId,
    title: `Earlier ${message.role === 'user' ? 'question' : 'answer'} (${message.createdAt.slice(0, 10)})`,
    url: null,
    text: message.content,
    score: Number(score.toFixed(3)),
    updatedAt: message.createdAt,
    untrusted: false,
  };
}

export function createRetrievalActivities({ store }: ActivityDependencies) {
  return {
    /** Full-text search over the tenant's knowledge base. */
    async retrieveKnowledge(input: RetrieveKnowledgeInput): Promise<SourceResult> {
      const started = performance.now();
      const hits = await store.searchKnowledge({ tenantId: input.tenantId, query: input.query, limit: input.limit });
      const passages: Passage[] = hits.map((hit) => ({
        id: hit.chunkId,
        source: 'knowledge',
        documentId: hit.documentId,
        title: hit.heading !== null && hit.heading !== hit.title ? `${hit.title} — ${hit.heading}` : hit.title,
        url: hit.url,
        text: hit.text,
        score: hit.score,
        updatedAt: hit.updatedAt,
        untrusted: false,
      }));
      return { source: 'knowledge', status: passages.length > 0 ? 'ok' : 'empty', passages, durationMs: elapsedSince(started) };
    },

    /**
     * Live web/docs retrieval. No hosts are allow-listed in the core build, so the source reports itself
     * disabled (visible in the trace) instead of pretending; the knowledge-layer issue adds the fetchers.
     */
    // eslint-disable-next-line @typescript-eslint/require-await
    async retrieveWeb(_input: RetrieveWebInput): Promise<SourceResult> {
      return { source: 'web', status: 'disabled', passages: [], durationMs: 0, detail: 'no allow-listed web sources are configured' };
    },

    /** This customer's earlier messages in other conversations that share terms with the question. */
    async retrieveCustomerHistory(input: RetrieveCustomerHistoryInput): Promise<SourceResult> {
      const started = performance.now();
      if (input.customerId === null) {
        return { source: 'history', status: 'empty', passages: [], durationMs: 0, detail: 'anonymous customer' };
      }
      const messages = await store.getCustomerHistory({
        tenantId: input.tenantId,
        customerId: input.customerId,
        excludeConversationId: input.conversationId,
        limit: 50,
      });
      const queryTerms = new Set(terms(input.query));
      const passages = messages
        .map((message) => historyPassage(message, overlapScore(queryTerms, message.content)))
        .filter((passage) => passage.score > 0)
        .sort((left, right) => right.score - left.score)
        .slice(0, input.limit);
      return { source: 'history', status: passages.length > 0 ? 'ok' : 'empty', passages, durationMs: elapsedSince(started) };
    },
  };
}
