/**
 * Ingests one web page of a source: fetch (through the `WebFetcher`: allow-list, robots.txt, limits) →
 * readable Markdown → `indexDocument` (chunk, embed, index; skipped when the content hash is unchanged).
 * A refusal that will not change (robots, 404, not HTML…) fails the document, not the sync; a transient
 * failure (timeout, 5xx, network) is thrown as retryable so Temporal retries the activity.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../../domain/failure-types.js';
import { WebFetchError, type WebFetcher, type WebPage } from '../../web/web-fetcher.js';
import { indexDocument, type IndexDeps } from '../index-document.js';
import type { KnowledgeSourceStore } from '../sources/knowledge-source-store.js';
import { crawlPlanOf, isInScope, normalizeUrl, scopedUrls, webDocumentId } from './crawl-plan.js';
import type { IngestDocumentResult, IngestWebDocumentInput } from './ingestion-types.js';

/** Links one page may add to the crawl. */
export const MAX_LINKS_PER_PAGE = 1000;

export interface WebDocumentDeps extends IndexDeps {
  sources: KnowledgeSourceStore;
  webFetcher: WebFetcher;
}

const failed = (url: string, error: string, documentId: string | null = null): IngestDocumentResult => ({ outcome: 'failed', documentId, url, chunks: 0, links: [], error });

async function fetchOrFail(deps: WebDocumentDeps, url: string, allowedHosts: string[], abortSignal?: AbortSignal): Promise<WebPage | WebFetchError> {
  try {
    return await deps.webFetcher.fetchPage({ url, allowedHosts, maxAgeSeconds: 0, ...(abortSignal === undefined ? {} : { abortSignal }) });
  } catch (error) {
    if (!(error instanceof WebFetchError)) throw error;
    if (error.retryable) throw ApplicationFailure.retryable(error.message, error.type);
    return error;
  }
}

/** See the module comment. `onProgress` heartbeats. */
export async function ingestWebDocument(
  deps: WebDocumentDeps,
  input: IngestWebDocumentInput,
  options: { abortSignal?: AbortSignal; onProgress?: () => void } = {},
): Promise<IngestDocumentResult> {
  const source = await deps.sources.getSource(input.tenantId, input.sourceId);
  if (source === null) throw ApplicationFailure.nonRetryable(`Knowledge source ${input.sourceId} not found`, FailureType.NotFound);
  const plan = crawlPlanOf(source);
  const requestedId = webDocumentId(input.sourceId, input.url);
  // Seen before fetching: a page that fails transiently keeps its indexed copy rather than being deleted.
  await deps.sources.markSeen({ ...input, documents: [{ id: requestedId, url: input.url }] });
  const page = await fetchOrFail(deps, input.url, plan.allowedHosts, options.abortSignal);
  if (page instanceof WebFetchError) {
    // Gone for good: the end of the sync deletes the stored copy.
    if (page.status === 404 || page.status === 410) await deps.sources.unmarkSeen({ sourceId: input.sourceId, documentId: requestedId });
    return failed(input.url, `${page.type}: ${page.message}`);
  }
  options.onProgress?.();
  const url = normalizeUrl(page.url) ?? input.url;
  if (url !== input.url) {
    await deps.sources.unmarkSeen({ sourceId: input.sourceId, documentId: requestedId });
    if (!isInScope(url, plan)) return failed(input.url, `Redirected outside the source to ${url}`);
  }
  const documentId = webDocumentId(input.sourceId, url);
  await deps.sources.markSeen({ ...input, documents: [{ id: documentId, url }] });
  const links = input.followLinks ? scopedUrls(page.links, plan, MAX_LINKS_PER_PAGE) : [];
  if (page.markdown.trim() === '') return { ...failed(url, 'The page has no readable text', documentId), links };
  const indexed = await indexDocument(
    deps,
    { tenantId: input.tenantId, sourceId: input.sourceId, documentId, title: page.title.trim() || url, url, markdown: page.markdown, scopes: source.scopes, updatedAt: page.lastModified ?? page.fetchedAt },
    { ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }), ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) },
  );
  await deps.sources.recordIngested({ ...input, documentId, url, contentHash: indexed.contentHash, embedded: indexed.outcome !== 'unchanged' });
  return { outcome: indexed.outcome, documentId, url, chunks: indexed.chunks, links };
}
