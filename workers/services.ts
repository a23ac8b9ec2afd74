/**
 * The infrastructure a process needs — store, event log, chat model — chosen by configuration:
 * PostgreSQL or PGlite, Redis Streams or in-process, and the offline model (the LLM-router issue adds
 * Anthropic, OpenAI and Ollama behind the same `ChatModel` interface).
 */
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import type { Configuration } from '../domain/config.js';
import { registerSearchAttributes } from '../temporal-config/search-attributes.js';
import { DEFAULT_TENANT_ID } from '../domain/constants.js';
import type { Logger } from '../domain/logger.js';
import type { ActivityDependencies } from '../activities/index.js';
import { createEventLog } from '../activities/events/create-event-log.js';
import type { EventLog } from '../activities/events/event-log.js';
import type { ChatModel } from '../activities/llm/chat-model.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import { createModelSetup, type ModelSetup } from './model-setup.js';
import { openKnowledgeServices } from './knowledge-setup.js';
import type { KnowledgeServices } from '../activities/knowledge/knowledge-services.js';
import { loadTenantQaPolicies } from '../activities/qa/tenant-policies.js';
import type { Store } from '../activities/persistence/store.js';
import { DEMO_SOURCE_ID, seedDemoKnowledge } from '../activities/retrieval/seed-demo-knowledge.js';
import { AGENT_CATALOG } from '../activities/agents/catalog.js';

export interface Services {
  store: Store;
  eventLog: EventLog;
  chatModel: ChatModel;
  /** The model setup (router or offline); `describe()` feeds `GET /api/models`. */
  models: ModelSetup;
  /** Vector store, embedding model and web fetcher of the knowledge layer. */
  knowledge: KnowledgeServices;
  close(): Promise<void>;
}

/** Opens the store (and migrates it), the event log and the chat model. */
export async function openServices(configuration: Configuration, logger: Logger): Promise<Services> {
  const store = createStore(
    configuration.databaseUrl === undefined
      ? { pgliteDirectory: path.join(configuration.dataDirectory, 'pglite'), logger, secretKeys: configuration.secretKeys }
      : { databaseUrl: configuration.databaseUrl, logger, secretKeys: configuration.secretKeys },
  );
  await store.migrate();
  // Idempotent: only new agents, or file changes nobody edited over, add versions.
  const agents = await store.seedAgents(AGENT_CATALOG);
  logger.info(agents, 'agent catalog seeded');
  const eventLog = createEventLog({ redisUrl: configuration.redisUrl, logger });
  const models = createModelSetup(configuration, logger);
  const knowledge = openKnowledgeServices(configuration, logger);
  return {
    store,
    eventLog,
    chatModel: models.chatModel,
    models,
    knowledge: knowledge.services,
    async close() {
      await Promise.allSettled([eventLog.close(), store.close(), models.close(), knowledge.close()]);
    },
  };
}

/** Loads the demo help center into the default tenant when enabled (idempotent, by content hash), vectors included when `knowledge` is given. */
export async function seedKnowledgeIfEnabled(configuration: Configuration, store: Store, logger: Logger, knowledge?: KnowledgeServices): Promise<void> {
  if (!configuration.seedDemoKnowledge) return;
  // Listed like any other source (documents, chunks, freshness) on the knowledge page.
  await store.knowledgeSources.ensureSource(
    { tenantId: DEFAULT_TENANT_ID, kind: 'upload', name: 'Demo help center (Brightloom)', settings: { builtIn: true }, scopes: [], syncIntervalSeconds: 0 },
    DEMO_SOURCE_ID,
  );
  const counts = await seedDemoKnowledge(store, DEFAULT_TENANT_ID, knowledge);
  logger.info(counts, 'demo knowledge base loaded');
}

/**
 * Registers the custom search attributes the workflows upsert (idempotent). Without them a workflow
 * task fails, so a worker does it at start; where the API key or role may not manage the namespace
 * (Temporal Cloud), it warns and points at `npm run temporal:register` / the Cloud UI instead.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, logger: Logger): Promise<void> {
  try {
    const { added } = await registerSearchAttributes(connection, namespace);
    if (added.length > 0) logger.info({ added, namespace }, 'registered search attributes');
  } catch (error) {
    logger.warn({ err: error, namespace }, 'could not register search attributes; register them with `npm run temporal:register` or your cluster admin');
  }
}

/** Activity dependencies from the services and configuration. */
export function activityDependencies(services: Services, configuration: Configuration, logger: Logger): ActivityDependencies {
  return {
    store: services.store,
    eventLog: services.eventLog,
    chatModel: services.chatModel,
    logger,
    knowledge: services.knowledge,
    settings: {
      qaMinConfidence: configuration.qaMinConfidence,
      reviewTimeoutMs: configuration.reviewTimeoutMs,
      review: configuration.review,
      outOfScopeAction: configuration.outOfScopeAction,
      qaPolicies: loadTenantQaPolicies(configuration.qaPolicyPath),
      modelCallsAsLocalActivities:
        configuration.modelCalls === 'local-activity' ||
        (configuration.modelCalls === 'auto' && services.chatModel.provider === 'offline' && configuration.offlineLatencyMs === 0),
    },
  };
}
