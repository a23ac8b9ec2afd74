/**
 * At worker start: when stored knowledge documents carry vectors of another embedding model (the provider,
 * model or `AGENTCRAFT_EMBEDDING_DIMENSIONS` changed, or an upgrade changed the local model's default size),
 * start `reembedKnowledgeWorkflow` to re-embed them from their stored chunks — uploads included, which a source
 * sync never re-reads. One workflow per model key; a worker finding it running leaves it be.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { embeddingModelKey } from '../activities/knowledge/index-document.js';
import type { EmbeddingModel } from '../activities/llm/embedding-model.js';
import type { Store } from '../activities/persistence/store.js';
import type { Logger } from '../domain/logger.js';
import { KNOWLEDGE_REEMBED_WORKFLOW_PREFIX } from '../domain/constants.js';
import type { ReembedKnowledgeInput } from '../workflows/reembed-knowledge.workflow.js';

export interface ReembeddingOptions {
  client: Client;
  store: Store;
  embeddingModel: EmbeddingModel;
  taskQueue: string;
  logger: Logger;
}

/** The re-embedding workflow's id for a model key (`knowledge-reembed-<key with / as _>`). */
export function reembedWorkflowId(modelKey: string): string {
  return `${KNOWLEDGE_REEMBED_WORKFLOW_PREFIX}-${modelKey.replace(/[^\w.-]+/g, '_')}`;
}

/**
 * Starts the re-embedding when documents need it; returns its workflow id, or null when every document is
 * current. A failure to start is logged, not thrown: search still works (lexically) for those documents.
 */
export async function ensureKnowledgeReembedding(options: ReembeddingOptions): Promise<string | null> {
  const modelKey = embeddingModelKey(options.embeddingModel);
  const stale = await options.store.countKnowledgeDocumentsToEmbed(modelKey);
  if (stale === 0) return null;
  const workflowId = reembedWorkflowId(modelKey);
  const args: [ReembedKnowledgeInput] = [{ embeddingModel: modelKey }];
  try {
    await options.client.workflow.start('reembedKnowledgeWorkflow', { taskQueue: options.taskQueue, workflowId, args, workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
    options.logger.info({ workflowId, documents: stale, embeddingModel: modelKey }, 're-embedding knowledge documents made with another embedding model');
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      options.logger.info({ workflowId, documents: stale }, 'knowledge re-embedding is running already');
    } else {
      options.logger.warn({ err: error, workflowId }, 'could not start the knowledge re-embedding; those documents are found by lexical search only until it runs');
    }
  }
  return workflowId;
}
