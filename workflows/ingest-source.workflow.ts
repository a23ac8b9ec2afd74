/**
 * `ingestSourceWorkflow`, id `knowledge-source-<sourceId>`: one sync of one knowledge source. Web sources:
 * discover (start URL, sitemap) → crawl breadth-first over page links within the depth, host, path and page
 * limits, each page fetched → extracted → chunked → embedded → indexed by one activity, a few at a time.
 * Upload sources: ingest the pending uploads (more may arrive by signal while it runs). At the end, documents
 * the sync did not see are deleted and the outcome is recorded on the source. Progress is the
 * `getIngestionProgress` query. Large sites continue-as-new every `maxDocumentsPerRun` documents; a worker
 * crash loses nothing: finished documents are in history, and a retried one is skipped by its content hash.
 */
import { ApplicationFailure, condition, continueAsNew, isCancellation, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { IngestDocumentResult } from '../activities/knowledge/ingestion/ingestion-types.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../domain/failure-types.js';
import type { IngestionProgress } from '../domain/knowledge.js';
import { getIngestionProgress, uploadAdded, type CrawlItem, type IngestSourceCarry, type IngestSourceInput } from './messages.js';

const bookkeeping = proxyActivities<Pick<Activities, 'beginSourceSync' | 'discoverSourceDocuments' | 'listPendingUploads' | 'finishSourceSync'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

/** One document: fetching and embedding may take minutes; heartbeats show the worker is alive. */
const documents = proxyActivities<Pick<Activities, 'ingestWebDocument' | 'ingestUpload'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 4, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

export const DEFAULT_INGEST_CONCURRENCY = 4;
export const DEFAULT_DOCUMENTS_PER_RUN = 100;
/** Errors kept in the progress (the first ones; the count is exact). */
const MAX_ERRORS = 50;

function emptyProgress(): IngestionProgress {
  return { phase: 'discovering', discovered: 0, processed: 0, unchanged: 0, updated: 0, inserted: 0, deleted: 0, failed: 0, chunksIndexed: 0, errors: [] };
}

function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Counts one document's outcome into the progress. */
function tally(progress: IngestionProgress, key: string, result: IngestDocumentResult | { error: string }): void {
  progress.processed += 1;
  if (!('outcome' in result) || result.outcome === 'failed') {
    progress.failed += 1;
    if (progress.errors.length < MAX_ERRORS) progress.errors.push({ url: key, message: result.error ?? 'failed' });
    return;
  }
  progress[result.outcome] += 1;
  if (result.outcome !== 'unchanged') progress.chunksIndexed += result.chunks;
}

/**
 * Runs `work` over items taken from `next()` with at most `concurrency` in flight, until nothing is queued and
 * nothing runs (work may queue more), or `shouldStop()` says so (the items left stay queued).
 */
async function runPool<T>(concurrency: number, next: () => T | undefined, hasNext: () => boolean, work: (item: T) => Promise<void>, shouldStop: () => boolean): Promise<void> {
  let inFlight = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      await condition(() => hasNext() || inFlight === 0 || shouldStop());
      if (shouldStop() || !hasNext()) return;
      const item = next() as T;
      inFlight += 1;
      try {
        await work(item);
      } finally {
        inFlight -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

export async function ingestSourceWorkflow(input: IngestSourceInput): Promise<IngestionProgress> {
  const progress = input.carried?.progress ?? emptyProgress();
  setHandler(getIngestionProgress, () => progress);
  let uploadsWaiting = false;
  setHandler(uploadAdded, () => {
    uploadsWaiting = true;
  });
  const ref = { tenantId: input.tenantId, sourceId: input.sourceId, syncId: input.carried?.syncId ?? workflowInfo().runId };
  const maxPerRun = input.maxDocumentsPerRun ?? DEFAULT_DOCUMENTS_PER_RUN;
  const concurrency = input.concurrency ?? DEFAULT_INGEST_CONCURRENCY;
  let processedThisRun = 0;
  const runFull = (): boolean => processedThisRun >= maxPerRun || workflowInfo().continueAsNewSuggested;

  let carry: IngestSourceCarry | null;
  try {
    const kind = input.carried?.kind ?? (await bookkeeping.beginSourceSync(ref)).kind;
    const state = input.carried ?? (kind === 'upload' ? { syncId: ref.syncId, kind, progress, maxDepth: 0, maxPages: 0, queue: [], seen: [] } : await discovered(ref, kind, progress));
    progress.phase = 'ingesting';
    const seen = new Set(state.seen);
    const queue = [...state.queue];
    const ingestOne = async (item: CrawlItem): Promise<void> => {
      const key = item.url;
      try {
        const result =
          state.kind === 'upload'
            ? await documents.ingestUpload({ ...ref, uploadId: item.url })
            : await documents.ingestWebDocument({ ...ref, url: item.url, followLinks: item.depth < state.maxDepth });
        tally(progress, key, result);
        if (result.url !== null && state.kind !== 'upload') seen.add(result.url);
        for (const link of result.links) {
          if (seen.size >= state.maxPages) break;
          if (seen.has(link)) continue;
          seen.add(link);
          queue.push({ url: link, depth: item.depth + 1 });
        }
        progress.discovered = Math.max(progress.discovered, seen.size);
      } catch (error) {
        if (isCancellation(error)) throw error;
        tally(progress, key, { error: messageOf(error) });
      } finally {
        processedThisRun += 1;
      }
    };
    const more = async (): Promise<boolean> => {
      if (state.kind !== 'upload' || queue.length > 0) return queue.length > 0;
      const pending = (await bookkeeping.listPendingUploads({ tenantId: ref.tenantId, sourceId: ref.sourceId, limit: 100 })).filter((id) => !seen.has(id));
      uploadsWaiting = false;
      for (const id of pending) {
        seen.add(id);
        queue.push({ url: id, depth: 0 });
      }
      progress.discovered = seen.size;
      return pending.length > 0;
    };
    while (!runFull() && (await more())) {
      await runPool(concurrency, () => queue.shift(), () => queue.length > 0, ingestOne, runFull);
    }
    const unfinished = queue.length > 0 || (state.kind === 'upload' && uploadsWaiting);
    carry = unfinished ? { ...state, progress, queue, seen: [...seen] } : null;
    if (carry === null) await finish(ref, progress, state.kind, null);
  } catch (error) {
    if (isCancellation(error)) throw error;
    progress.phase = 'failed';
    try {
      await bookkeeping.finishSourceSync({ ...ref, progress, deleteUnseen: false, error: messageOf(error) });
    } catch (recordError) {
      // The source may be gone (deleted mid-sync): the original failure is what matters.
      if (isCancellation(recordError)) throw recordError;
    }
    throw ApplicationFailure.nonRetryable(`Sync of knowledge source ${input.sourceId} failed: ${messageOf(error)}`, FailureType.KnowledgeSyncFailed);
  }
  if (carry !== null || uploadsWaiting) {
    return continueAsNew<typeof ingestSourceWorkflow>({ ...input, carried: carry ?? { syncId: ref.syncId, kind: 'upload', progress, maxDepth: 0, maxPages: 0, queue: [], seen: [] } });
  }
  return progress;
}

async function discovered(ref: { tenantId: string; sourceId: string; syncId: string }, kind: IngestSourceCarry['kind'], progress: IngestionProgress): Promise<IngestSourceCarry> {
  const plan = await bookkeeping.discoverSourceDocuments(ref);
  progress.discovered = plan.urls.length;
  return { syncId: ref.syncId, kind, progress, maxDepth: plan.maxDepth, maxPages: plan.maxPages, queue: plan.urls, seen: plan.urls.map((item) => item.url) };
}

/** Deletes what disappeared (web sources, unless every document failed) and records the outcome. */
async function finish(ref: { tenantId: string; sourceId: string; syncId: string }, progress: IngestionProgress, kind: IngestSourceCarry['kind'], error: string | null): Promise<void> {
  const succeeded = progress.inserted + progress.updated + progress.unchanged;
  // An upload that cannot be read fails alone; a web source where nothing could be read failed as a whole.
  const wholesaleFailure = kind !== 'upload' && progress.processed > 0 && succeeded === 0;
  const failure = error ?? (wholesaleFailure ? `Every document failed; first: ${progress.errors[0]?.url ?? ''}: ${progress.errors[0]?.message ?? ''}` : null);
  const { deleted } = await bookkeeping.finishSourceSync({ ...ref, progress, deleteUnseen: kind !== 'upload' && failure === null, error: failure });
  progress.deleted += deleted;
  progress.phase = failure === null ? 'finished' : 'failed';
}
