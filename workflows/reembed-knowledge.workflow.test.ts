/**
 * `reembedKnowledgeWorkflow` end to end, started the way a worker starts it (`ensureKnowledgeReembedding`):
 * documents indexed with another embedding model (a smaller local model, as after an upgrade that changed the
 * default size) are re-embedded by a real worker on the shared Temporal dev server, in batches across a
 * continue-as-new, from the chunks stored in PostgreSQL; then the worker finds nothing left to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKnowledgeHarness, type KnowledgeHarness } from '../activities/knowledge/ingestion/ingestion-test-support.js';
import { embeddingModelKey, indexDocument } from '../activities/knowledge/index-document.js';
import { LocalEmbeddingModel } from '../activities/llm/providers/local-embedding.js';
import { createLogger } from '../domain/logger.js';
import { openTemporaryLanceDb } from '../test-support/knowledge.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { ensureKnowledgeReembedding, reembedWorkflowId } from '../workers/knowledge-reembedding.js';
import type { ReembedTotals } from './reembed-knowledge.workflow.js';

let database: TestDatabase;
let harness: KnowledgeHarness;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startKnowledgeHarness({ databaseUrl: database.url });
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await database?.drop();
});

describe('reembedKnowledgeWorkflow', () => {
  it('re-embeds every document made with another model, across tenants and batches, once', async () => {
    const previous = new LocalEmbeddingModel({ dimensions: 128 });
    const lance = await openTemporaryLanceDb(previous.dimensions);
    const topics = ['refunds', 'invoices', 'passkeys', 'webhooks', 'exports'];
    try {
      for (const [index, topic] of topics.entries()) {
        await indexDocument(
          { store: harness.store, vectorStore: lance.vectorStore, embeddingModel: previous },
          { tenantId: index % 2 === 0 ? 'tenant-a' : 'tenant-b', sourceId: 'uploads', documentId: `doc-${topic}`, title: topic, url: null, markdown: `## ${topic}\n\nAll about ${topic}.`, scopes: [], updatedAt: '2025-01-01T00:00:00.000Z' },
        );
      }
    } finally {
      await lance.dispose();
    }
    const key = embeddingModelKey(harness.knowledge.embeddingModel);
    expect(await harness.store.countKnowledgeDocumentsToEmbed(key)).toBe(topics.length);
    const textsBefore = harness.embeddings.texts;

    const options = { client: harness.client, store: harness.store, embeddingModel: harness.knowledge.embeddingModel, taskQueue: harness.taskQueue, logger };
    const workflowId = await ensureKnowledgeReembedding(options);
    expect(workflowId).toBe(reembedWorkflowId(key));
    const totals = await harness.client.workflow.getHandle(workflowId!).result() as ReembedTotals;
    expect(totals).toMatchObject({ reembedded: topics.length, chunks: topics.length, failedCount: 0 });
    expect(harness.embeddings.texts - textsBefore).toBe(topics.length);
    expect(await harness.store.countKnowledgeDocumentsToEmbed(key)).toBe(0);
    expect(await harness.knowledge.vectorStore.count({ tenantId: 'tenant-a' })).toBe(3);
    expect(await harness.knowledge.vectorStore.count({ tenantId: 'tenant-b' })).toBe(2);
    // Nothing left: a restarted worker starts nothing.
    expect(await ensureKnowledgeReembedding(options)).toBeNull();
  });

  it('pages through in small batches across continue-as-new', async () => {
    const previous = new LocalEmbeddingModel({ dimensions: 96 });
    const lance = await openTemporaryLanceDb(previous.dimensions);
    try {
      for (let index = 0; index < 5; index += 1) {
        await indexDocument(
          { store: harness.store, vectorStore: lance.vectorStore, embeddingModel: previous },
          { tenantId: 'tenant-c', sourceId: 'uploads', documentId: `page-${index}`, title: `Page ${index}`, url: null, markdown: `Text of page ${index}.`, scopes: [], updatedAt: '2025-01-01T00:00:00.000Z' },
        );
      }
    } finally {
      await lance.dispose();
    }
    const key = embeddingModelKey(harness.knowledge.embeddingModel);
    const handle = await harness.client.workflow.start('reembedKnowledgeWorkflow', {
      taskQueue: harness.taskQueue,
      workflowId: `${reembedWorkflowId(key)}-paged`,
      args: [{ embeddingModel: key, batchSize: 2, batchesPerRun: 1 }],
    });
    const totals = await handle.result() as ReembedTotals;
    expect(totals).toMatchObject({ reembedded: 5, chunks: 5, skipped: 0, failedCount: 0 });
    // 2 + 2 + 1 documents, then an empty batch: four runs.
    const runs: string[] = [];
    for await (const execution of harness.client.workflow.list({ query: `WorkflowId = "${reembedWorkflowId(key)}-paged"` })) runs.push(execution.runId);
    expect(runs).toHaveLength(4);
    expect(await harness.knowledge.vectorStore.count({ tenantId: 'tenant-c' })).toBe(5);
  });
});
