/**
 * Crash test of ingestion: the worker runs as its own process (`workers/worker-main.ts`, PostgreSQL, LanceDB
 * on disk) and is killed with SIGKILL in the middle of a website sync. A new worker process finishes the sync:
 * every page indexed once, no duplicate chunks (chunks in PostgreSQL = vectors in LanceDB, per document), and
 * the documents finished before the crash were not embedded again.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestSite, type TestPage, type TestSite } from '../activities/knowledge/ingestion/ingestion-test-support.js';
import { LanceDbVectorStore } from '../activities/knowledge/lancedb-vector-store.js';
import { LocalEmbeddingModel } from '../activities/llm/providers/local-embedding.js';
import { createStore, type KyselyStore } from '../activities/persistence/kysely-store.js';
import { knowledgeSourceWorkflowId } from '../domain/constants.js';
import type { IngestionProgress } from '../domain/knowledge.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { startProcess, type ManagedProcess } from '../test-support/processes.js';
import { createTestClient, testTemporalAddress, type TestClient } from '../test-support/temporal.js';
import type { IngestSourceInput } from './messages.js';

const PAGE_COUNT = 16;

let database: TestDatabase;
let store: KyselyStore;
let site: TestSite;
let temporal: TestClient;
let lanceDirectory: string;
let environment: Record<string, string>;
const workers: ManagedProcess[] = [];

function pages(): Record<string, TestPage> {
  const entries: Record<string, TestPage> = {
    '/': { title: 'Crash site home', body: 'Index of the crash-test manual pages.', links: Array.from({ length: PAGE_COUNT - 1 }, (_, index) => `/page-${index + 1}`) },
  };
  for (let index = 1; index < PAGE_COUNT; index += 1) {
    entries[`/page-${index}`] = { title: `Manual page ${index}`, body: `Section ${index} explains how to calibrate sensor ${index} of the reactor. `.repeat(40) };
  }
  return entries;
}

beforeAll(async () => {
  database = await createTestDatabase();
  store = createStore({ databaseUrl: database.url });
  await store.migrate();
  // Each page answers slowly, so the sync is still running when the worker is killed.
  site = await startTestSite(pages(), { delayMs: 700 });
  temporal = await createTestClient();
  lanceDirectory = await mkdtemp(path.join(tmpdir(), 'agentcraft-crash-lancedb-'));
  environment = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_TASK_QUEUE: `ingest-crash-${randomUUID()}`,
    DATABASE_URL: database.url,
    AGENTCRAFT_SEED_DEMO_KB: 'false',
    AGENTCRAFT_ROUTER_RETRAIN_INTERVAL: 'off',
    LANCEDB_PATH: lanceDirectory,
    AGENTCRAFT_WEB_CACHE_TTL_SECONDS: '0',
    AGENTCRAFT_WEB_RATE_PER_HOST: '100',
  };
  workers.push(startProcess('workers/worker-main.ts', environment));
  await workers[0]!.waitForOutput(/worker running/, 120_000);
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.stop()));
  await site?.close();
  await temporal?.close();
  await store?.close();
  await database?.drop();
  if (lanceDirectory !== undefined) await rm(lanceDirectory, { recursive: true, force: true });
});

describe('ingestion crash recovery', () => {
  it('finishes a website sync after its worker is killed mid-source, without duplicate chunks or re-embedding finished documents', async () => {
    const source = await store.knowledgeSources.createSource({ tenantId: 'default', kind: 'website', name: 'Crash site', settings: { startUrl: `${site.origin}/`, useSitemap: false, maxDepth: 1, maxPages: 100 }, scopes: [], syncIntervalSeconds: 0 });
    const handle = await temporal.client.workflow.start('ingestSourceWorkflow', {
      taskQueue: environment.TEMPORAL_TASK_QUEUE!,
      workflowId: knowledgeSourceWorkflowId(source.id),
      args: [{ tenantId: 'default', sourceId: source.id } satisfies IngestSourceInput],
    });

    // Kill once a few documents are indexed and most are not.
    await vi.waitFor(
      async () => {
        const indexed = (await store.knowledgeSources.documentSyncState(source.id)).filter((entry) => entry.indexedAt !== null);
        expect(indexed.length).toBeGreaterThanOrEqual(4);
      },
      { timeout: 60_000, interval: 50 },
    );
    await workers[0]!.kill9();
    const beforeCrash = (await store.knowledgeSources.documentSyncState(source.id)).filter((entry) => entry.indexedAt !== null);
    expect(beforeCrash.length).toBeLessThan(PAGE_COUNT);

    workers.push(startProcess('workers/worker-main.ts', environment));
    await workers[1]!.waitForOutput(/worker running/, 120_000);
    const progress = (await handle.result()) as IngestionProgress;
    expect(progress).toMatchObject({ phase: 'finished', failed: 0, processed: PAGE_COUNT });

    const { documents, total } = await store.knowledgeSources.listDocuments({ tenantId: 'default', sourceId: source.id, limit: 100, offset: 0 });
    expect(total).toBe(PAGE_COUNT);
    const vectorStore = new LanceDbVectorStore({ directory: lanceDirectory, dimensions: new LocalEmbeddingModel().dimensions });
    try {
      const expectedChunks = documents.reduce((sum, document) => sum + document.chunkCount, 0);
      expect(expectedChunks).toBeGreaterThan(PAGE_COUNT);
      expect(await vectorStore.count({ tenantId: 'default', sourceIds: [source.id] })).toBe(expectedChunks);
      for (const document of documents) {
        expect(await vectorStore.count({ tenantId: 'default', documentIds: [document.id] })).toBe(document.chunkCount);
      }
    } finally {
      await vectorStore.close();
    }

    const after = await store.knowledgeSources.documentSyncState(source.id);
    for (const finished of beforeCrash) {
      // Finished before the crash: neither embedded again nor re-indexed.
      expect(after.find((entry) => entry.documentId === finished.documentId)).toMatchObject({ embedCount: 1, indexedAt: finished.indexedAt });
    }
    // At most the documents in flight at the crash (4 at a time) were embedded twice.
    const embeddings = after.reduce((sum, entry) => sum + entry.embedCount, 0);
    expect(embeddings).toBeGreaterThanOrEqual(PAGE_COUNT);
    expect(embeddings).toBeLessThanOrEqual(PAGE_COUNT + 4);
    expect((await store.knowledgeSources.getSource('default', source.id))?.status).toBe('idle');
  });
});
