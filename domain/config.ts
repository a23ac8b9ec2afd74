/**
 * Process configuration, read once from the environment and validated with zod. Every variable is
 * documented in the README's configuration table. Not for workflow code (it reads `process.env`).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from './constants.js';
import { parseCodecKeys, type CodecKey } from './payload-codec.js';
import { loadAuthConfiguration } from './auth-config.js';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** `keyId:base64key,…` (AES-256 keys; the first encrypts): none when unset; errors never echo key material. */
const keyListSchema = optionalString.transform((value, context): CodecKey[] => {
  if (value === undefined) return [];
  try {
    return parseCodecKeys(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_UI_URL: optionalString,
  DATABASE_URL: optionalString,
  REDIS_URL: optionalString,
  AGENTCRAFT_DATA_DIR: z.string().default('./data'),
  AGENTCRAFT_WEB_DIST: optionalString,
  AGENTCRAFT_TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  AGENTCRAFT_TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  AGENTCRAFT_OFFLINE_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  AGENTCRAFT_SEED_DEMO_KB: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  AGENTCRAFT_QA_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.2),
  AGENTCRAFT_REVIEW_TIMEOUT_MS: z.coerce.number().int().min(1000).default(24 * 60 * 60 * 1000),
  AGENTCRAFT_REVIEW_REMIND_AFTER_MS: z.coerce.number().int().min(1000).optional(),
  AGENTCRAFT_REVIEW_TIMEOUT_ACTION: z.enum(['fallback', 'handover']).default('fallback'),
  AGENTCRAFT_REVIEW_HOLDING_MESSAGE: optionalString,
  AGENTCRAFT_OUT_OF_SCOPE: z.enum(['decline', 'offer-human']).default('decline'),
  AGENTCRAFT_QA_POLICY_PATH: optionalString,
  AGENTCRAFT_WAIT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  AGENTCRAFT_WORKER_CONCURRENCY: z.coerce.number().int().min(1).default(100),
  AGENTCRAFT_WORKER_HTTP_PORT: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), z.coerce.number().int().min(0).max(65535).optional()),
  AGENTCRAFT_SDK_METRICS_ADDRESS: optionalString,
  AGENTCRAFT_MODEL_CALLS: z.enum(['auto', 'activity', 'local-activity']).default('auto'),
  AGENTCRAFT_LLM_ROUTER: z.enum(['auto', 'on', 'off']).default('auto'),
  AGENTCRAFT_ROUTER_RETRAIN_INTERVAL: z
    .string()
    .default('24h')
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => value === 'off' || /^[1-9]\d*(ms|s|m|h|d)$/.test(value), 'a duration such as 30m, 6h or 24h, or off')
    .transform((value) => (value === 'off' ? null : Number.parseInt(value, 10) * (DURATION_UNIT_MS[value.replace(/^\d+/, '')] ?? 1))),
  AGENTCRAFT_LOCAL_ONLY_TENANTS: optionalString,
  MODEL_CATALOG_PATH: optionalString,
  MODEL_CATALOG_JSON: optionalString,
  AGENTCRAFT_BUDGET_TURN_USD: z.coerce.number().positive().optional(),
  AGENTCRAFT_BUDGET_CONVERSATION_USD: z.coerce.number().positive().optional(),
  AGENTCRAFT_BUDGET_TENANT_DAY_USD: z.coerce.number().positive().optional(),
  AGENTCRAFT_CODEC_KEYS: keyListSchema,
  AGENTCRAFT_CODEC_CORS_ORIGINS: z.string().default('http://localhost:8233'),
  AGENTCRAFT_SECRET_KEYS: keyListSchema,
  AGENTCRAFT_WEB_ALLOWED_HOSTS: z.string().default(''),
  AGENTCRAFT_WEB_USER_AGENT: optionalString,
  AGENTCRAFT_WEB_MAX_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  AGENTCRAFT_WEB_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  AGENTCRAFT_WEB_RATE_PER_HOST: z.coerce.number().positive().default(1),
  AGENTCRAFT_WEB_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(3600),
  FIRECRAWL_API_KEY: optionalString,
  FIRECRAWL_API_URL: optionalString,
  QDRANT_URL: optionalString,
  QDRANT_API_KEY: optionalString,
  QDRANT_COLLECTION: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('agentcraft_chunks'),
  LANCEDB_PATH: optionalString,
});

export type Configuration = ReturnType<typeof loadConfiguration>;

/** Walks up from this file to the folder with `package.json`: the default web dist holds whatever the cwd. */
function findProjectRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let directory = here; path.dirname(directory) !== directory; directory = path.dirname(directory)) {
    try {
      if (statSync(path.join(directory, 'package.json')).isFile()) return directory;
    } catch {
      // No package.json here: keep walking up.
    }
  }
  return path.resolve(here, '..');
}

/** Parses the environment; throws one readable error listing every bad variable. */
export function loadConfiguration(environment: NodeJS.ProcessEnv = process.env) {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const values = parsed.data;
  const dataDirectory = path.resolve(values.AGENTCRAFT_DATA_DIR);
  return {
    /** Authentication, rate limits, CORS and per-tenant LLM budgets (`auth-config.ts`). */
    ...loadAuthConfiguration(environment),
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    temporal: {
      /** Undefined means "embedded": `npm start` runs its own dev server. */
      address: values.TEMPORAL_ADDRESS,
      namespace: values.TEMPORAL_NAMESPACE,
      taskQueue: values.TEMPORAL_TASK_QUEUE,
      apiKey: values.TEMPORAL_API_KEY,
      tlsCertPath: values.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: values.TEMPORAL_TLS_KEY_PATH,
      uiUrl: values.TEMPORAL_UI_URL,
      embeddedPort: values.AGENTCRAFT_TEMPORAL_PORT,
      embeddedUiPort: values.AGENTCRAFT_TEMPORAL_UI_PORT,
    },
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    dataDirectory,
    /** Built web app the API serves (none when it has no `index.html`); default `<project root>/web/dist`. */
    webDistDirectory: path.resolve(values.AGENTCRAFT_WEB_DIST ?? path.join(findProjectRoot(), 'web', 'dist')),
    offlineLatencyMs: values.AGENTCRAFT_OFFLINE_LATENCY_MS,
    seedDemoKnowledge: values.AGENTCRAFT_SEED_DEMO_KB,
    qaMinConfidence: values.AGENTCRAFT_QA_MIN_CONFIDENCE,
    reviewTimeoutMs: values.AGENTCRAFT_REVIEW_TIMEOUT_MS,
    review: {
      ...(values.AGENTCRAFT_REVIEW_REMIND_AFTER_MS === undefined ? {} : { remindAfterMs: values.AGENTCRAFT_REVIEW_REMIND_AFTER_MS }),
      timeoutAction: values.AGENTCRAFT_REVIEW_TIMEOUT_ACTION,
      ...(values.AGENTCRAFT_REVIEW_HOLDING_MESSAGE === undefined ? {} : { holdingMessage: values.AGENTCRAFT_REVIEW_HOLDING_MESSAGE }),
    },
    outOfScopeAction: values.AGENTCRAFT_OUT_OF_SCOPE,
    /** JSON file of QA policy overrides per tenant: `{ "tenants": { "<tenantId>": { "pii": { "email": "block" }, … } } }`. */
    qaPolicyPath: values.AGENTCRAFT_QA_POLICY_PATH === undefined ? undefined : path.resolve(values.AGENTCRAFT_QA_POLICY_PATH),
    waitTimeoutMs: values.AGENTCRAFT_WAIT_TIMEOUT_MS,
    workerConcurrency: values.AGENTCRAFT_WORKER_CONCURRENCY,
    /** Port of the worker's `/healthz`, `/readyz` and `/metrics` (unset: no server; `0`: any free port). */
    workerHttpPort: values.AGENTCRAFT_WORKER_HTTP_PORT,
    /** `host:port` of the Temporal SDK (Core) Prometheus exporter (unset: off). */
    sdkMetricsAddress: values.AGENTCRAFT_SDK_METRICS_ADDRESS,
    /** `auto`: local activities only for the offline model at zero latency (see `PipelineSettings`). */
    modelCalls: values.AGENTCRAFT_MODEL_CALLS,
    /** How often each tenant's routing classifier is retrained by a Temporal Schedule (`null`: `off`, no schedule). */
    routerRetrainIntervalMs: values.AGENTCRAFT_ROUTER_RETRAIN_INTERVAL,
    llm: {
      /** `auto`: the router runs when a provider (Anthropic, OpenAI, Ollama) is configured; `on` forces it. */
      router: values.AGENTCRAFT_LLM_ROUTER,
      /** Tenants whose text may only reach local models (Ollama, the offline model). */
      localOnlyTenants: (values.AGENTCRAFT_LOCAL_ONLY_TENANTS ?? '').split(',').map((tenant) => tenant.trim()).filter((tenant) => tenant !== ''),
      catalog: {
        ...(values.MODEL_CATALOG_PATH === undefined ? {} : { catalogPath: values.MODEL_CATALOG_PATH }),
        ...(values.MODEL_CATALOG_JSON === undefined ? {} : { catalogJson: values.MODEL_CATALOG_JSON }),
      },
      budgets: {
        ...(values.AGENTCRAFT_BUDGET_TURN_USD === undefined ? {} : { turnUsd: values.AGENTCRAFT_BUDGET_TURN_USD }),
        ...(values.AGENTCRAFT_BUDGET_CONVERSATION_USD === undefined ? {} : { conversationUsd: values.AGENTCRAFT_BUDGET_CONVERSATION_USD }),
        ...(values.AGENTCRAFT_BUDGET_TENANT_DAY_USD === undefined ? {} : { tenantDayUsd: values.AGENTCRAFT_BUDGET_TENANT_DAY_USD }),
      },
    },
    /** Payload encryption: no keys means payloads are stored as is; the first key encrypts, all decrypt. */
    codec: {
      keys: values.AGENTCRAFT_CODEC_KEYS,
      /** Origins allowed to call `/api/codec` from a browser (the Temporal Web UI). */
      corsOrigins: values.AGENTCRAFT_CODEC_CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''),
    },
    /** Keys sealing stored secrets (webhook signing secrets; `domain/secret-box.ts`): the first seals, all open. */
    secretKeys: values.AGENTCRAFT_SECRET_KEYS,
    /** Web retrieval (see `activities/web/create-web-fetcher.ts`): Firecrawl when a key or URL is set, else the built-in fetcher. */
    web: {
      /** Default allow-list for live web retrieval (`example.com`, `*.example.com`); empty: no host may be fetched. */
      allowedHosts: values.AGENTCRAFT_WEB_ALLOWED_HOSTS.split(',').map((host) => host.trim().toLowerCase()).filter((host) => host !== ''),
      /** Unset: `AgentCraftBot/<version>`. */
      userAgent: values.AGENTCRAFT_WEB_USER_AGENT,
      maxBytes: values.AGENTCRAFT_WEB_MAX_BYTES,
      timeoutMs: values.AGENTCRAFT_WEB_TIMEOUT_MS,
      /** Requests per second to any one host (the built-in fetcher spaces them evenly). */
      ratePerHost: values.AGENTCRAFT_WEB_RATE_PER_HOST,
      /** `0`: no cache. */
      cacheTtlSeconds: values.AGENTCRAFT_WEB_CACHE_TTL_SECONDS,
      firecrawl: { apiKey: values.FIRECRAWL_API_KEY, apiUrl: values.FIRECRAWL_API_URL },
    },
    /** Vector store (see `activities/knowledge/create-vector-store.ts`): Qdrant when `QDRANT_URL` is set, else LanceDB on disk. */
    vectorStore: {
      qdrant: values.QDRANT_URL === undefined ? undefined : { url: values.QDRANT_URL, apiKey: values.QDRANT_API_KEY, collectionPrefix: values.QDRANT_COLLECTION },
      /** LanceDB directory (default `<data dir>/lancedb`). */
      lancedbPath: path.resolve(values.LANCEDB_PATH ?? path.join(dataDirectory, 'lancedb')),
    },
  };
}
