/**
 * `reembedKnowledgeWorkflow`, id `knowledge-reembed-<model key>`: gives every stored knowledge document vectors from the
 * workers' current embedding model, a batch at a time (`reembedKnowledgeDocuments`), after the model, provider
 * or size changed. Started by a worker that finds documents embedded otherwise (`workers/knowledge-reembedding.ts`).
 * Crash-safe: a finished document records its model, so a retried batch or a restarted run skips it; a document
 * that fails for good is reported and passed over. Continues-as-new every `batchesPerRun` batches.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ReembedBatchResult } from '../activities/knowledge/reembed-activities.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../domain/failure-types.js';

const { reembedKnowledgeDocuments } = proxyActivities<Pick<Activities, 'reembedKnowledgeDocuments'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

export const DEFAULT_REEMBED_BATCH_SIZE = 25;
export const DEFAULT_REEMBED_BATCHES_PER_RUN = 100;
/** Failures kept in the result (the count is exact). */
const MAX_FAILURES = 50;

export interface ReembedKnowledgeInput {
  /** The model key every document should end up with (`provider/modelId/dimensions`). */
  embeddingModel: string;
  batchSize?: number;
  batchesPerRun?: number;
  /** Carried over continue-as-new. */
  afterId?: string;
  totals?: ReembedTotals;
}

export interface ReembedTotals {
  reembedded: number;
  chunks: number;
  skipped: number;
  failedCount: number;
  failed: ReembedBatchResult['failed'];
}

export async function reembedKnowledgeWorkflow(input: ReembedKnowledgeInput): Promise<ReembedTotals> {
  const totals: ReembedTotals = input.totals ?? { reembedded: 0, chunks: 0, skipped: 0, failedCount: 0, failed: [] };
  const limit = input.batchSize ?? DEFAULT_REEMBED_BATCH_SIZE;
  let afterId = input.afterId;
  for (let batch = 0; batch < (input.batchesPerRun ?? DEFAULT_REEMBED_BATCHES_PER_RUN); batch += 1) {
    const result = await reembedKnowledgeDocuments({ embeddingModel: input.embeddingModel, limit, ...(afterId === undefined ? {} : { afterId }) });
    totals.reembedded += result.reembedded;
    totals.chunks += result.chunks;
    totals.skipped += result.skipped;
    totals.failedCount += result.failed.length;
    totals.failed.push(...result.failed.slice(0, Math.max(0, MAX_FAILURES - totals.failed.length)));
    if (result.lastId === undefined) return totals;
    afterId = result.lastId;
  }
  return continueAsNew<typeof reembedKnowledgeWorkflow>({ ...input, ...(afterId === undefined ? {} : { afterId }), totals });
}
