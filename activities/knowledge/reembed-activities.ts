/**
 * Re-embedding after an embedding model change (another provider, model or size): `reembedKnowledgeDocuments`
 * gives a batch of stored documents vectors from the worker's current model, from their stored chunks. Driven by
 * `reembedKnowledgeWorkflow`, which a worker starts when it finds documents embedded with another model
 * (`workers/knowledge-reembedding.ts`). Until a document is done, lexical search still finds it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failure-types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { withHeartbeat } from '../llm/heartbeat.js';
import { embeddingModelKey, indexDepsOf, reembedDocument } from './index-document.js';

export interface ReembedBatchInput {
  /** The model the workflow was started for (`provider/modelId/dimensions`); a worker with another one refuses. */
  embeddingModel: string;
  /** Documents per batch. */
  limit: number;
  /** Resume after this document id (the previous batch's last). */
  afterId?: string;
}

export interface ReembedBatchResult {
  reembedded: number;
  chunks: number;
  /** Documents that were already current or deleted meanwhile. */
  skipped: number;
  /** Documents that failed for good (a non-retryable error, such as a text the model refuses); the batch goes on. */
  failed: { documentId: string; message: string }[];
  /** The last document id looked at; absent when the batch was empty (nothing left). */
  lastId?: string;
}

const HEARTBEAT_INTERVAL_MS = 2000;

export function createReembedActivities(dependencies: ActivityDependencies) {
  return {
    /** Re-embeds up to `limit` documents after `afterId` whose vectors come from another model. */
    async reembedKnowledgeDocuments(input: ReembedBatchInput): Promise<ReembedBatchResult> {
      const deps = indexDepsOf(dependencies);
      const current = embeddingModelKey(deps.embeddingModel);
      if (current !== input.embeddingModel) {
        throw ApplicationFailure.nonRetryable(`This worker embeds with ${current}, not ${input.embeddingModel}: workers disagree on the embedding model`, FailureType.MissingConfiguration);
      }
      const ids = await dependencies.store.listKnowledgeDocumentsToEmbed({ embeddingModel: current, limit: input.limit, ...(input.afterId === undefined ? {} : { afterId: input.afterId }) });
      const result: ReembedBatchResult = { reembedded: 0, chunks: 0, skipped: 0, failed: [] };
      await withHeartbeat(async (abortSignal) => {
        for (const id of ids) {
          result.lastId = id;
          try {
            const { outcome, chunks } = await reembedDocument(deps, id, abortSignal === undefined ? {} : { abortSignal });
            if (outcome === 'reembedded') result.reembedded += 1;
            else result.skipped += 1;
            result.chunks += chunks;
          } catch (error) {
            // Anything that may pass retries the batch (finished documents are not redone: they are recorded).
            if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
            result.failed.push({ documentId: id, message: error.message });
          }
        }
      }, HEARTBEAT_INTERVAL_MS);
      return result;
    },
  };
}
