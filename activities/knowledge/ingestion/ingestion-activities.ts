/**
 * The ingestion activities of `ingestSourceWorkflow`: begin a sync, discover a web source's URLs (start URL
 * and sitemap), ingest one web page or one upload, list pending uploads, and finish the sync (deleting the
 * documents that disappeared from the source, recording status and errors on the source).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDependencies } from '../../dependencies.js';
import { FailureType } from '../../../domain/failure-types.js';
import { withHeartbeat } from '../../llm/heartbeat.js';
import { WebFetchError } from '../../web/web-fetcher.js';
import { indexDepsOf, indexDocument, removeDocuments } from '../index-document.js';
import type { KnowledgeSourceRecord } from '../sources/knowledge-source-store.js';
import { crawlPlanOf, normalizeUrl, scopedUrls } from './crawl-plan.js';
import { extractUpload } from './extract-upload.js';
import type {
  BeginSourceSyncResult,
  DiscoverSourceResult,
  FinishSourceSyncInput,
  FinishSourceSyncResult,
  IngestDocumentResult,
  IngestUploadInput,
  IngestWebDocumentInput,
  SourceSyncRef,
} from './ingestion-types.js';
import { ingestWebDocument } from './web-document.js';

/** How often a long ingestion heartbeats (the workflow's heartbeat timeout is a few times this). */
const HEARTBEAT_INTERVAL_MS = 2000;

async function sourceOf(dependencies: ActivityDependencies, ref: { tenantId: string; sourceId: string }): Promise<KnowledgeSourceRecord> {
  const source = await dependencies.store.knowledgeSources.getSource(ref.tenantId, ref.sourceId);
  if (source === null) throw ApplicationFailure.nonRetryable(`Knowledge source ${ref.sourceId} not found`, FailureType.NotFound);
  return source;
}

/** Start URL plus sitemap URLs (when enabled), in scope and within `maxPages`. A failing sitemap is skipped. */
async function discover(dependencies: ActivityDependencies, ref: SourceSyncRef): Promise<DiscoverSourceResult> {
  const source = await sourceOf(dependencies, ref);
  const plan = crawlPlanOf(source);
  const start = normalizeUrl(plan.startUrl) ?? plan.startUrl;
  let sitemap: string[] = [];
  const webFetcher = dependencies.knowledge?.webFetcher;
  if (plan.useSitemap && webFetcher !== undefined) {
    try {
      sitemap = await webFetcher.mapSite({ url: start, allowedHosts: plan.allowedHosts, limit: plan.maxPages });
    } catch (error) {
      if (error instanceof WebFetchError && error.retryable) throw ApplicationFailure.retryable(error.message, error.type);
      dependencies.logger.info({ err: error, sourceId: ref.sourceId }, 'sitemap unavailable; crawling links only');
    }
  }
  const urls = [{ url: start, depth: 0 }, ...scopedUrls(sitemap, plan, plan.maxPages).filter((url) => url !== start).map((url) => ({ url, depth: 1 }))];
  return { urls: urls.slice(0, plan.maxPages), maxDepth: plan.maxDepth, maxPages: plan.maxPages };
}

async function ingestUpload(dependencies: ActivityDependencies, input: IngestUploadInput, onProgress: () => void): Promise<IngestDocumentResult> {
  const sources = dependencies.store.knowledgeSources;
  const upload = await sources.getUpload(input.tenantId, input.uploadId);
  if (upload === null) return { outcome: 'failed', documentId: input.uploadId, url: null, chunks: 0, links: [], error: 'The upload was deleted' };
  const result = await extractUpload(upload)
    .then((document) =>
      indexDocument(
        indexDepsOf(dependencies),
        { tenantId: input.tenantId, sourceId: upload.sourceId, documentId: upload.id, title: document.title, url: null, markdown: document.markdown, scopes: [], updatedAt: upload.createdAt },
        { onProgress },
      ),
    )
    .catch(async (error: unknown) => {
      if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
      await sources.setUploadStatus({ tenantId: input.tenantId, id: upload.id, status: 'failed', error: error.message });
      return error;
    });
  if (result instanceof ApplicationFailure) return { outcome: 'failed', documentId: upload.id, url: null, chunks: 0, links: [], error: result.message };
  await sources.recordIngested({ ...input, sourceId: upload.sourceId, documentId: upload.id, url: null, contentHash: result.contentHash, embedded: result.outcome !== 'unchanged' });
  await sources.setUploadStatus({ tenantId: input.tenantId, id: upload.id, status: 'indexed', error: null });
  return { outcome: result.outcome, documentId: upload.id, url: null, chunks: result.chunks, links: [] };
}

/** A one-line summary of a sync's document failures, or null when none failed. */
function errorSummary(input: FinishSourceSyncInput): string | null {
  if (input.error !== null) return input.error;
  const { failed, processed, errors } = input.progress;
  if (failed === 0) return null;
  const first = errors[0];
  return `${failed} of ${processed} documents failed${first === undefined ? '' : `; first: ${first.url}: ${first.message}`}`;
}

export function createIngestionActivities(dependencies: ActivityDependencies) {
  const sources = dependencies.store.knowledgeSources;
  return {
    /** Marks the source as syncing; returns its kind. */
    async beginSourceSync(ref: SourceSyncRef): Promise<BeginSourceSyncResult> {
      const source = await sourceOf(dependencies, ref);
      await sources.beginSync(ref);
      return { kind: source.kind };
    },

    discoverSourceDocuments(ref: SourceSyncRef): Promise<DiscoverSourceResult> {
      return discover(dependencies, ref);
    },

    /** Fetch → extract → chunk → embed → index one page (see `web-document.ts`). */
    ingestWebDocument(input: IngestWebDocumentInput): Promise<IngestDocumentResult> {
      const webFetcher = dependencies.knowledge?.webFetcher;
      if (webFetcher === undefined) throw ApplicationFailure.nonRetryable('The worker has no web fetcher', FailureType.MissingConfiguration);
      return withHeartbeat(
        (abortSignal) => ingestWebDocument({ ...indexDepsOf(dependencies), sources, webFetcher }, input, { ...(abortSignal === undefined ? {} : { abortSignal }) }),
        HEARTBEAT_INTERVAL_MS,
      );
    },

    /** Extract → chunk → embed → index one uploaded file. */
    ingestUpload(input: IngestUploadInput): Promise<IngestDocumentResult> {
      return withHeartbeat(() => ingestUpload(dependencies, input, () => undefined), HEARTBEAT_INTERVAL_MS);
    },

    /** Uploads of the source still waiting to be ingested, oldest first. */
    listPendingUploads(input: { tenantId: string; sourceId: string; limit: number }): Promise<string[]> {
      return sources.listUploadIds({ ...input, statuses: ['pending'] });
    },

    /** Deletes what disappeared from the source (when asked) and records the sync's outcome on it. */
    async finishSourceSync(input: FinishSourceSyncInput): Promise<FinishSourceSyncResult> {
      let deleted = 0;
      if (input.deleteUnseen && input.error === null) {
        const documentIds = await sources.unseenDocumentIds(input);
        await removeDocuments(indexDepsOf(dependencies), { tenantId: input.tenantId, documentIds });
        await sources.forgetDocuments({ sourceId: input.sourceId, documentIds });
        deleted = documentIds.length;
      }
      const error = errorSummary(input);
      await sources.finishSync({ ...input, status: input.error === null ? 'idle' : 'failed', error, stats: { ...input.progress, deleted: input.progress.deleted + deleted, errors: input.progress.errors.slice(0, 20) } });
      return { deleted };
    },
  };
}

export type IngestionActivities = ReturnType<typeof createIngestionActivities>;
