/**
 * The knowledge layer's clients for a process (worker and API): the embedding model (the local
 * feature-hashing model by default; OpenAI or Ollama embeddings with `AGENTCRAFT_EMBEDDING_PROVIDER`), the
 * vector store (`createVectorStore`: LanceDB on disk, or Qdrant) sized to it, and the web fetcher
 * (`createWebFetcher`: built-in or Firecrawl; its page cache in Redis when `REDIS_URL` is set).
 */
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Configuration } from '../domain/config.js';
import type { Logger } from '../domain/logger.js';
import { createVectorStore } from '../activities/knowledge/create-vector-store.js';
import type { KnowledgeServices } from '../activities/knowledge/knowledge-services.js';
import type { EmbeddingModel } from '../activities/llm/embedding-model.js';
import { createEmbeddingModel, providerSettingsFromEnvironment } from '../activities/llm/providers/index.js';
import { createWebFetcher } from '../activities/web/create-web-fetcher.js';

const embeddingEnvironment = z.object({
  AGENTCRAFT_EMBEDDING_PROVIDER: z.enum(['local', 'openai', 'ollama']).default('local'),
  AGENTCRAFT_EMBEDDING_MODEL: z.string().trim().optional(),
  AGENTCRAFT_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(16).max(8192).optional(),
});

/** The configured embedding model (default: the local one, no network). */
export function createConfiguredEmbeddingModel(logger: Logger, environment: Record<string, string | undefined> = process.env): EmbeddingModel {
  const parsed = embeddingEnvironment.safeParse(environment);
  if (!parsed.success) throw new Error(`Invalid embedding configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const { AGENTCRAFT_EMBEDDING_PROVIDER: provider, AGENTCRAFT_EMBEDDING_MODEL: modelId, AGENTCRAFT_EMBEDDING_DIMENSIONS: dimensions } = parsed.data;
  return createEmbeddingModel({
    ...providerSettingsFromEnvironment(environment),
    logger,
    provider,
    ...(modelId === undefined || modelId === '' ? {} : { modelId }),
    ...(dimensions === undefined ? {} : { dimensions }),
  });
}

export interface OpenedKnowledgeServices {
  services: KnowledgeServices;
  close(): Promise<void>;
}

/** Opens the knowledge services; `close()` closes the vector store and the fetcher's Redis connection. */
export function openKnowledgeServices(configuration: Pick<Configuration, 'web' | 'vectorStore' | 'redisUrl'>, logger: Logger): OpenedKnowledgeServices {
  const embeddingModel = createConfiguredEmbeddingModel(logger);
  const vectorStore = createVectorStore(configuration.vectorStore, { dimensions: embeddingModel.dimensions });
  let redis: Redis | undefined;
  if (configuration.redisUrl !== undefined) {
    redis = new Redis(configuration.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    redis.on('error', (error) => logger.warn({ err: error }, 'web page cache Redis connection failed'));
  }
  const webFetcher = createWebFetcher(configuration, { logger, ...(redis === undefined ? {} : { redis }) });
  logger.info({ vectorStore: vectorStore.kind, embedding: `${embeddingModel.provider}/${embeddingModel.modelId}`, webFetcher: webFetcher.kind }, 'knowledge services ready');
  return {
    services: { vectorStore, embeddingModel, webFetcher, liveWebHosts: configuration.web.allowedHosts },
    async close() {
      await Promise.allSettled([vectorStore.close(), redis?.quit()]);
    },
  };
}
