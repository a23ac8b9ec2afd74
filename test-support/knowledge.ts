/**
 * Test helpers for the knowledge layer: an embedding model wrapper that counts calls (to prove skipped work),
 * a vector store wrapper that can be made to fail (to prove degradation), and the real on-disk LanceDB store
 * in a temporary directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LanceDbVectorStore } from '../activities/knowledge/lancedb-vector-store.js';
import type { VectorFilter, VectorHit, VectorRecord, VectorSearchRequest, VectorStore } from '../activities/knowledge/vector-store.js';
import type { EmbeddingModel, EmbeddingResult } from '../activities/llm/embedding-model.js';
import { LocalEmbeddingModel } from '../activities/llm/providers/local-embedding.js';
import { createStore, type KyselyStore } from '../activities/persistence/kysely-store.js';
import { createLogger } from '../domain/logger.js';
import { createTestDatabase } from './postgres.js';

/** Wraps a real embedding model and counts its calls and texts. */
export class CountingEmbeddingModel implements EmbeddingModel {
  calls = 0;
  texts = 0;
  constructor(readonly inner: EmbeddingModel) {}
  get provider(): string {
    return this.inner.provider;
  }
  get modelId(): string {
    return this.inner.modelId;
  }
  get dimensions(): number {
    return this.inner.dimensions;
  }
  embed(texts: string[], options?: { abortSignal?: AbortSignal }): Promise<EmbeddingResult> {
    this.calls += 1;
    this.texts += texts.length;
    return this.inner.embed(texts, options);
  }
}

/** Which operations of a {@link FaultyVectorStore} throw. */
export type VectorOperation = 'upsert' | 'search' | 'deleteDocuments' | 'count';

/** Wraps a real vector store; operations listed in `failing` throw instead of reaching it. */
export class FaultyVectorStore implements VectorStore {
  readonly failing = new Set<VectorOperation>();
  readonly calls: VectorOperation[] = [];
  constructor(readonly inner: VectorStore) {}
  get kind(): string {
    return this.inner.kind;
  }
  get dimensions(): number {
    return this.inner.dimensions;
  }
  #check(operation: VectorOperation): void {
    this.calls.push(operation);
    if (this.failing.has(operation)) throw new Error(`vector store ${operation} unavailable (injected)`);
  }
  async upsert(records: VectorRecord[]): Promise<void> {
    this.#check('upsert');
    await this.inner.upsert(records);
  }
  async search(request: VectorSearchRequest): Promise<VectorHit[]> {
    this.#check('search');
    return this.inner.search(request);
  }
  async deleteDocuments(input: { tenantId: string; documentIds: string[] }): Promise<void> {
    this.#check('deleteDocuments');
    await this.inner.deleteDocuments(input);
  }
  deleteSource(input: { tenantId: string; sourceId: string }): Promise<void> {
    return this.inner.deleteSource(input);
  }
  async count(filter: VectorFilter): Promise<number> {
    this.#check('count');
    return this.inner.count(filter);
  }
  optimize(): Promise<void> {
    return this.inner.optimize();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A LanceDB store on disk in a fresh temporary directory; `dispose` closes it and removes the directory. */
export async function openTemporaryLanceDb(dimensions: number): Promise<{ vectorStore: VectorStore; directory: string; dispose: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-lancedb-'));
  const vectorStore = new LanceDbVectorStore({ directory, dimensions });
  return {
    vectorStore,
    directory,
    dispose: async () => {
      await vectorStore.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Everything the knowledge functions need, all real: a fresh PostgreSQL database, LanceDB on disk, local embeddings. */
export interface KnowledgeFixture {
  store: KyselyStore;
  vectorStore: FaultyVectorStore;
  embeddingModel: CountingEmbeddingModel;
  dispose(): Promise<void>;
}

/** Opens a {@link KnowledgeFixture}; `dispose` closes and drops everything. */
export async function openKnowledgeFixture(): Promise<KnowledgeFixture> {
  const database = await createTestDatabase();
  const store = createStore({ databaseUrl: database.url, logger: createLogger({ level: 'silent' }) });
  await store.migrate();
  const embeddingModel = new CountingEmbeddingModel(new LocalEmbeddingModel());
  const lance = await openTemporaryLanceDb(embeddingModel.dimensions);
  return {
    store,
    vectorStore: new FaultyVectorStore(lance.vectorStore),
    embeddingModel,
    dispose: async () => {
      await lance.dispose();
      await store.close();
      await database.drop();
    },
  };
}
