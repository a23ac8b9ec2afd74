import type { KnowledgeSearchHit } from '../../domain/knowledge.js';
import type { Passage, SourceResult } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { TurnRef } from '../events/publisher.js';
import { customerContext } from '../knowledge/customer-context.js';
import { searchKnowledgeHybrid, type HybridSearchResult } from '../knowledge/hybrid-search.js';
import { rerankerOf, type KnowledgeServices } from '../knowledge/knowledge-services.js';
import { liveHostsFor, searchLiveWeb } from '../knowledge/live-web.js';
import type { Store } from '../persistence/store.js';
import { createStageRecorder } from '../turn/stage-recorder.js';
import { quarantinePassages } from '../qa/injection.js';

export interface RetrieveSourcesInput extends TurnRef {
  tenantId: string;
  customerId: string | null;
  query: string;
  knowledgeLimit: number;
  historyLimit: number;
  /**
   * The chosen agents' knowledge scopes (`knowledge:<topic>`, `web:<host>`, `history`), when the workflow passes
   * them: knowledge search is limited to documents carrying one of them, live web search to the `web:` hosts,
   * and customer history runs only when `history` is among them. Absent: no scope limits.
   */
  scopes?: string[];
}

/** Each source has its own time limit; a slow or failed source degrades the turn, never fails it. */
export const SOURCE_TIMEOUT_MS = { knowledge: 4000, web: 5000, history: 2000 } as const;


/** Live web passages per turn at most. */
export const LIVE_WEB_LIMIT = 4;

type SourceName = keyof typeof SOURCE_TIMEOUT_MS;

/** What a knowledge search found, plus a note on degraded retrievers for the trace. */
interface KnowledgeOutcome {
  passages: Passage[];
  detail?: string;
}

/** The knowledge and web scopes among the agents' scopes (`history` is not a document scope). */
export function documentScopes(scopes: readonly string[] | undefined): string[] | undefined {
  return scopes?.filter((scope) => scope.startsWith('knowledge:') || scope.startsWith('web:'));
}

/** Full-text search over the tenant's knowledge base (the path without vector search). */
export async function searchKnowledgeBase(store: Store, input: RetrieveSourcesInput): Promise<Passage[]> {
  const scopes = documentScopes(input.scopes);
  const hits = await store.searchKnowledge({ tenantId: input.tenantId, query: input.query, limit: input.knowledgeLimit, ...(scopes === undefined ? {} : { scopes }) });
  return hits.map((hit) => knowledgePassage(hit, hit.score));
}

/** Hybrid (vector + lexical, fused) search; a failed retriever is named in `detail`. */
export async function searchKnowledgeHybridPassages(store: Store, knowledge: KnowledgeServices, input: RetrieveSourcesInput): Promise<KnowledgeOutcome> {
  const scopes = documentScopes(input.scopes);
  const reranker = rerankerOf(knowledge);
  const result = await searchKnowledgeHybrid(
    { store, vectorStore: knowledge.vectorStore, embeddingModel: knowledge.embeddingModel, ...(reranker === undefined ? {} : { reranker }) },
    { tenantId: input.tenantId, query: input.query, limit: input.knowledgeLimit, ...(scopes === undefined ? {} : { scopes }) },
  );
  const passages = result.hits.map((hit) => knowledgePassage(hit, relevanceOf(hit)));
  const detail = retrieverDetail(result);
  return detail === undefined ? { passages } : { passages, detail };
}

/**
 * A passage's `score` stays a relevance in 0..1 on the lexical-only path's scale (synthesis turns it into
 * retrieval confidence): the best of the retrievers' own scores (normalised `ts_rank_cd`, cosine similarity).
 * Fused and reranked scores only order the hits (RRF scores are ~1/60 and say nothing about relevance).
 */
export function relevanceOf(hit: KnowledgeSearchHit): number {
  const best = Math.max(hit.retrievers.lexical?.score ?? 0, hit.retrievers.vector?.score ?? 0);
  return Number(Math.min(1, Math.max(0, best)).toFixed(3));
}

function retrieverDetail(result: HybridSearchResult): string | undefined {
  const failed = Object.entries(result.retrievers).filter(([, report]) => report.error !== undefined);
  if (failed.length === 0) return undefined;
  return `degraded: ${failed.map(([name, report]) => `${name} retriever failed (${report.error})`).join('; ')}`;
}

function knowledgePassage(hit: { chunkId: string; documentId: string; title: string; heading: string | null; url: string | null; text: string; updatedAt: string }, score: number): Passage {
  return {
    id: hit.chunkId,
    source: 'knowledge',
    documentId: hit.documentId,
    title: hit.heading !== null && hit.heading !== hit.title ? `${hit.title} — ${hit.heading}` : hit.title,
    url: hit.url,
    text: hit.text,
    score,
    updatedAt: hit.updatedAt,
    untrusted: false,
  };
}

/** This customer's earlier messages that share terms with the question, and their derived preferences. */
export async function searchCustomerHistory(store: Store, input: RetrieveSourcesInput): Promise<Passage[]> {
  if (input.customerId === null) return [];
  return customerContext(store, { tenantId: input.tenantId, customerId: input.customerId, conversationId: input.conversationId, query: input.query, limit: input.historyLimit });
}

/** Runs one source under its time limit and labels the outcome instead of throwing. */
async function boundedSource(source: SourceName, search: (signal: AbortSignal) => Promise<Passage[] | KnowledgeOutcome>): Promise<SourceResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SOURCE_TIMEOUT_MS[source]);
  });
  try {
    const outcome = await Promise.race([search(controller.signal), timeout]);
    const durationMs = Math.round(performance.now() - started);
    if (outcome === 'timeout') {
      controller.abort();
      return { source, status: 'timeout', passages: [], durationMs, detail: `no answer within ${SOURCE_TIMEOUT_MS[source]} ms` };
    }
    const { passages, detail } = Array.isArray(outcome) ? { passages: outcome, detail: undefined } : outcome;
    return { source, status: passages.length > 0 ? 'ok' : 'empty', passages, durationMs, ...(detail === undefined ? {} : { detail }) };
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

/** The knowledge source: hybrid with knowledge services, lexical otherwise; disabled when the agents have no document scopes. */
function knowledgeSource(store: Store, knowledge: KnowledgeServices | undefined, input: RetrieveSourcesInput): Promise<SourceResult> {
  if (documentScopes(input.scopes)?.length === 0) {
    return Promise.resolve({ source: 'knowledge', status: 'disabled', passages: [], durationMs: 0, detail: 'the chosen agents have no knowledge scopes' });
  }
  return boundedSource('knowledge', () => (knowledge === undefined ? searchKnowledgeBase(store, input) : searchKnowledgeHybridPassages(store, knowledge, input)));
}

/**
 * The live web source: searches the allowed hosts when the fetcher can, otherwise re-reads the pages behind the
 * knowledge hits (so it waits for the knowledge source, within its own time limit).
 */
function webSource(knowledge: KnowledgeServices | undefined, input: RetrieveSourcesInput, knowledgeResult: Promise<SourceResult>): Promise<SourceResult> {
  const fetcher = knowledge?.webFetcher;
  if (fetcher === undefined || knowledge === undefined || knowledge.liveWebHosts.length === 0) {
    return Promise.resolve({ source: 'web', status: 'disabled', passages: [], durationMs: 0, detail: 'no web fetcher or no allow-listed live web hosts are configured' });
  }
  const allowedHosts = fetcher.search === undefined ? knowledge.liveWebHosts : liveHostsFor(knowledge.liveWebHosts, input.scopes);
  if (allowedHosts.length === 0) {
    return Promise.resolve({ source: 'web', status: 'disabled', passages: [], durationMs: 0, detail: 'the chosen agents have no allow-listed web scopes' });
  }
  return boundedSource('web', async (abortSignal) => {
    const candidateUrls = fetcher.search === undefined ? (await knowledgeResult).passages.flatMap((passage) => (passage.url === null ? [] : [passage.url])) : [];
    return searchLiveWeb(fetcher, { query: input.query, allowedHosts, candidateUrls, limit: LIVE_WEB_LIMIT, abortSignal });
  });
}

function historySource(store: Store, input: RetrieveSourcesInput): Promise<SourceResult> {
  if (input.customerId === null) return Promise.resolve({ source: 'history', status: 'empty', passages: [], durationMs: 0, detail: 'anonymous customer' });
  if (input.scopes !== undefined && !input.scopes.includes('history')) {
    return Promise.resolve({ source: 'history', status: 'disabled', passages: [], durationMs: 0, detail: 'the chosen agents do not use customer history' });
  }
  return boundedSource('history', () => searchCustomerHistory(store, input));
}

export function createRetrievalActivities(dependencies: ActivityDependencies) {
  const { store, knowledge } = dependencies;
  const stages = createStageRecorder(dependencies);
  return {
    /**
     * Retrieve stage: knowledge base (hybrid when knowledge services are configured), live web and customer
     * history in parallel, each bounded on its own; a failed or slow source is recorded and the turn goes on.
     */
    async retrieveSources(input: RetrieveSourcesInput): Promise<SourceResult[]> {
      return stages.run(
        input,
        'retrieve',
        () => {
          const knowledgeResult = knowledgeSource(store, knowledge, input).then(withoutInjectedPassages);
          return Promise.all([
            knowledgeResult,
            webSource(knowledge, input, knowledgeResult).then(withoutInjectedPassages),
            historySource(store, input),
          ]);
        },
        (sources) => ({
          status: sources.some((result) => result.status === 'failed' || result.status === 'timeout' || result.detail?.startsWith('degraded') === true) ? 'degraded' : 'ok',
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
