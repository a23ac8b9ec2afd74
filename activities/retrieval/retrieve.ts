import type { Passage, SourceResult } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { TurnRef } from '../events/publisher.js';
import { terms } from '../llm/text.js';
import type { MessageRecord, Store } from '../persistence/store.js';
import { createStageRecorder } from '../turn/stage-recorder.js';
import { quarantinePassages } from '../qa/injection.js';

export interface RetrieveSourcesInput extends TurnRef {
  tenantId: string;
  customerId: string | null;
  query: string;
  knowledgeLimit: number;
  historyLimit: number;
}

/** Each source has its own time limit; a slow or failed source degrades the turn, never fails it. */
export const SOURCE_TIMEOUT_MS = { knowledge: 4000, web: 5000, history: 2000 } as const;

type SourceName = keyof typeof SOURCE_TIMEOUT_MS;

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

/** Full-text search over the tenant's knowledge base. */
export async function searchKnowledgeBase(store: Store, input: RetrieveSourcesInput): Promise<Passage[]> {
  const hits = await store.searchKnowledge({ tenantId: input.tenantId, query: input.query, limit: input.knowledgeLimit });
  return hits.map((hit) => ({
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
}

/** This customer's earlier messages in other conversations that share terms with the question. */
export async function searchCustomerHistory(store: Store, input: RetrieveSourcesInput): Promise<Passage[]> {
  if (input.customerId === null) return [];
  const messages = await store.getCustomerHistory({ tenantId: input.tenantId, customerId: input.customerId, excludeConversationId: input.conversationId, limit: 50 });
  const queryTerms = new Set(terms(input.query));
  return messages
    .map((message) => historyPassage(message, overlapScore(queryTerms, message.content)))
    .filter((passage) => passage.score > 0)
    .sort((left, right) => right.score - left.score)
    .slice(0, input.historyLimit);
}

/** Runs one source under its time limit and labels the outcome instead of throwing. */
async function boundedSource(source: SourceName, search: () => Promise<Passage[]>): Promise<SourceResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SOURCE_TIMEOUT_MS[source]);
  });
  try {
    const outcome = await Promise.race([search(), timeout]);
    const durationMs = Math.round(performance.now() - started);
    if (outcome === 'timeout') return { source, status: 'timeout', passages: [], durationMs, detail: `no answer within ${SOURCE_TIMEOUT_MS[source]} ms` };
    return { source, status: outcome.length > 0 ? 'ok' : 'empty', passages: outcome, durationMs };
  } catch (error) {
    return { source, status: 'failed', passages: [], durationMs: Math.round(performance.now() - started), detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Holds back retrieved passages that carry prompt-injection patterns (knowledge and live web; history is the
 * customer's own words, checked on the question itself): the agents never see them, the trace shows them.
 */
export function withoutInjectedPassages(result: SourceResult): SourceResult {
  if (result.source === 'history' || result.passages.length === 0) return result;
  const { kept, quarantined } = quarantinePassages(result.passages);
  if (quarantined.length === 0) return result;
  return {
    ...result,
    passages: kept,
    status: kept.length > 0 ? result.status : 'empty',
    quarantined: quarantined.map(({ passage, reasons }) => ({ passageId: passage.id, title: passage.title, reasons })),
  };
}

export function createRetrievalActivities(dependencies: ActivityDependencies) {
  const { store } = dependencies;
  const stages = createStageRecorder(dependencies);
  return {
    /**
     * Retrieve stage: knowledge base, live web and customer history in parallel, each bounded on its own.
     * Live web has no allow-listed hosts in the core build, so it reports itself disabled instead of
     * pretending; the knowledge-layer issue adds the fetchers.
     */
    async retrieveSources(input: RetrieveSourcesInput): Promise<SourceResult[]> {
      return stages.run(
        input,
        'retrieve',
        () =>
          Promise.all([
            boundedSource('knowledge', () => searchKnowledgeBase(store, input)).then(withoutInjectedPassages),
            Promise.resolve<SourceResult>({ source: 'web', status: 'disabled', passages: [], durationMs: 0, detail: 'no allow-listed web sources are configured' }),
            input.customerId === null
              ? Promise.resolve<SourceResult>({ source: 'history', status: 'empty', passages: [], durationMs: 0, detail: 'anonymous customer' })
              : boundedSource('history', () => searchCustomerHistory(store, input)),
          ]),
        (sources) => ({
          status: sources.some((result) => result.status === 'failed' || result.status === 'timeout') ? 'degraded' : 'ok',
          summary: sources
            .map((result) => `${result.source}: ${result.status} (${result.passages.length}${result.quarantined === undefined ? '' : `, ${result.quarantined.length} quarantined`})`)
            .join(', '),
          trace: {
            retrieval: sources.map(({ passages, ...rest }) => ({ ...rest, hits: passages.length })),
            retrievalHits: sources.flatMap((result) => result.passages),
          },
        }),
      );
    },
  };
}
