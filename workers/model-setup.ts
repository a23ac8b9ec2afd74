/**
 * The model behind every activity: the offline extractive model when no provider is configured (the embedded
 * default), else the adaptive router over Anthropic, OpenAI, Ollama and the offline model as last resort —
 * spend in PostgreSQL and breakers in Redis when those are configured, in process otherwise.
 */
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import type { Configuration } from '../domain/config.js';
import type { Logger } from '../domain/logger.js';
import { ActivityFailureChatModel } from '../activities/llm/activity-failures.js';
import type { ChatModel } from '../activities/llm/chat-model.js';
import { TenantPrivacyChatModel } from '../activities/llm/tenant-privacy.js';
import { OfflineChatModel } from '../activities/llm/offline-model.js';
import { configuredChatProviders, createChatModel, providerSettingsFromEnvironment, type ProviderSettings } from '../activities/llm/providers/index.js';
import {
  InMemoryCircuitBreaker,
  InMemorySpendLedger,
  PostgresSpendLedger,
  RedisCircuitBreaker,
  RoutedChatModel,
  describeModels,
  loadModelCatalog,
  registerRouterMetrics,
  type ModelDescription,
  type ModelUsageDatabase,
} from '../activities/llm/router/index.js';
import { createDatabase, type Database } from '../activities/persistence/database.js';

export interface ModelSetup {
  /** What the activities call (errors mapped to Temporal failures). */
  chatModel: ChatModel;
  /** The router, when one runs; `GET /api/models` describes it. */
  router: RoutedChatModel | null;
  describe(): Promise<ModelDescription[] | null>;
  /** Router metrics (attempts, tokens and cost by model): the API serves them on `/metrics` in the same process. */
  metricsRegistry: Registry | null;
  close(): Promise<void>;
}

/** True when the configuration asks for the router (`on`), or `auto` finds a configured provider. */
export function wantsRouter(configuration: Pick<Configuration, 'llm'>, settings: ProviderSettings): boolean {
  if (configuration.llm.router === 'off') return false;
  if (configuration.llm.router === 'on') return true;
  return configuredChatProviders(settings).some((provider) => provider !== 'offline');
}

export function createModelSetup(configuration: Configuration, logger: Logger, environment: Record<string, string | undefined> = process.env): ModelSetup {
  const settings: ProviderSettings = { ...providerSettingsFromEnvironment(environment), logger };
  if (!wantsRouter(configuration, settings)) {
    const offline = new OfflineChatModel({ latencyMs: configuration.offlineLatencyMs });
    return { chatModel: offline, router: null, describe: () => Promise.resolve(null), metricsRegistry: null, close: () => Promise.resolve() };
  }
  const closers: (() => Promise<unknown>)[] = [];
  let ledgerDb: Kysely<Database> | undefined;
  if (configuration.databaseUrl !== undefined) {
    ledgerDb = createDatabase({ databaseUrl: configuration.databaseUrl, maxConnections: 4, logger });
    closers.push(() => ledgerDb!.destroy());
  }
  let redis: Redis | undefined;
  if (configuration.redisUrl !== undefined) {
    redis = new Redis(configuration.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
    redis.on('error', (error) => logger.warn({ err: error }, 'circuit-breaker Redis connection failed'));
    closers.push(() => redis!.quit());
  }
  const metricsRegistry = new Registry();
  const router = new RoutedChatModel({
    metrics: registerRouterMetrics(metricsRegistry),
    catalog: loadModelCatalog(configuration.llm.catalog),
    createChatModel: (entry) => {
      const configured = configuredChatProviders(settings);
      return configured.includes(entry.provider as never) ? createChatModel({ ...settings, provider: entry.provider as never, modelId: entry.modelId }) : undefined;
    },
    ledger: ledgerDb === undefined ? new InMemorySpendLedger() : new PostgresSpendLedger({ db: ledgerDb as unknown as Kysely<ModelUsageDatabase> }),
    breaker: redis === undefined ? new InMemoryCircuitBreaker() : new RedisCircuitBreaker({ client: redis }),
    budgets: configuration.llm.budgets,
    // Per-tenant limits (AGENTCRAFT_TENANT_BUDGETS) over the global ones.
    tenantBudgets: configuration.tenantBudgets,
  });
  logger.info({ models: router.models.map((model) => `${model.entry.provider}:${model.entry.modelId}`) }, 'LLM router ready');
  return {
    chatModel: new ActivityFailureChatModel(new TenantPrivacyChatModel(router, new Set(configuration.llm.localOnlyTenants))),
    router,
    describe: () => describeModels(router),
    metricsRegistry,
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
