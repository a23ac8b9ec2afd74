/**
 * Builds the HTTP API (Express 5) and its WebSocket server without listening: `server.ts` listens,
 * tests start it on an ephemeral port. Every dependency arrives through `createApp(deps)`.
 */
import type http from 'node:http';
import type { Client } from '@temporalio/client';
import express from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { Redis } from 'ioredis';
import type { EventLog } from '../activities/events/event-log.js';
import type { Store } from '../activities/persistence/store.js';
import type { KnowledgeServices } from '../activities/knowledge/knowledge-services.js';
import type { Configuration } from '../domain/config.js';
import { authenticationMiddleware } from './auth/authentication-middleware.js';
import { ipRateLimit, principalRateLimit } from './auth/rate-limit.js';
import { createApiSecurity, type ApiSecurityConfiguration } from './auth/security.js';
import { apiCors, securityHeaders } from './auth/security-headers.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { createApiMetrics, observabilityMiddleware } from './metrics.js';
import { requestContextMiddleware } from './request-context.js';
import { agentsRouter } from './routes/agents.js';
import { knowledgeRouter } from './routes/knowledge.js';
import { authRouter } from './routes/auth.js';
import { analyticsRouter } from './routes/analytics.js';
import { chatRouter } from './routes/chat.js';
import { codecRouter } from './routes/codec.js';
import { conversationControlRouter } from './routes/conversation-control.js';
import { escalationsRouter } from './routes/escalations.js';
import { modelsRouter, type ModelDirectory } from './routes/models.js';
import { webhooksRouter } from './routes/webhooks.js';
import { openApiRouter } from './openapi/openapi-router.js';
import { conversationsRouter } from './routes/conversations.js';
import { healthRouter } from './routes/health.js';
import type { ReadinessCheck, ResolvedApiConfiguration, RouteDependencies } from './routes/route-dependencies.js';
import { webAppMiddleware } from './web-app.js';
import { createAgentTrackingServer, type AgentTrackingOptions } from './websocket.js';

export type { ReadinessCheck } from './routes/route-dependencies.js';

/** The configuration the API reads: a full `Configuration` fits, and tests may pass just these fields. */
export interface ApiConfiguration extends Pick<Configuration, 'waitTimeoutMs'>, Partial<Pick<Configuration, 'codec'>>, ApiSecurityConfiguration {
  temporal: Pick<Configuration['temporal'], 'taskQueue' | 'namespace'>;
  /** Largest accepted JSON body (default 64 KiB); larger bodies get 413 `payload_too_large`. */
  bodyLimitBytes?: number;
  /** Bound on each Temporal call made for a request: update acceptance, queries (default 30 s). */
  temporalRpcTimeoutMs?: number;
  /** Bound on each `/readyz` check (default 2 s). */
  readinessTimeoutMs?: number;
  /** Built web app (`web/dist`) to serve after the API routes; unset or without `index.html`: none. */
  webDistDirectory?: string;
  /** With rate limits on, `startApiServer` counts them in this Redis (shared by every API process). */
  redisUrl?: string | undefined;
}

export interface ApiDependencies {
  temporal: Client;
  store: Store;
  eventLog: EventLog;
  configuration: ApiConfiguration;
  logger: Logger;
  /** Extra `/readyz` checks by name (for example the cache), run beside Temporal, store and event log. */
  readiness?: Record<string, ReadinessCheck>;
  websocket?: AgentTrackingOptions;
  /** The model catalog and provider health for `GET /api/models` (offline-only when absent). */
  models?: ModelDirectory;
  /** More Prometheus registries served on `/metrics` (the router's, when the worker shares this process). */
  extraMetrics?: Registry[];
  /** Vector store and embeddings for `/api/knowledge` (search, deletes); absent: lexical search only. */
  knowledge?: KnowledgeServices;
  /** Shared rate-limit counters (several API processes); without it, limits are counted in memory. */
  rateLimitRedis?: Redis;
  /** Separates rate-limit counters of deployments (or test runs) sharing one Redis. */
  rateLimitKeyPrefix?: string;
}

export interface Api {
  app: express.Express;
  /** Serves `/api/ws/agent-tracking` on `server` (call once, after creating the HTTP server). */
  attachWebSocket(server: http.Server): WebSocketServer;
  /** Ends pending `?wait=true` requests, closes WebSocket clients with 1001. Does not close the dependencies. */
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export function createApp(dependencies: ApiDependencies): Api {
  const configuration = resolveConfiguration(dependencies.configuration);
  const logger = dependencies.logger.child({ component: 'api' });
  const metrics = createApiMetrics();
  const shutdown = new AbortController();
  const security = createApiSecurity(dependencies.configuration, {
    store: dependencies.store,
    logger,
    ...(dependencies.rateLimitRedis === undefined ? {} : { redis: dependencies.rateLimitRedis }),
    ...(dependencies.rateLimitKeyPrefix === undefined ? {} : { rateLimitKeyPrefix: dependencies.rateLimitKeyPrefix }),
  });
  const routeDependencies: RouteDependencies = {
    temporal: dependencies.temporal,
    store: dependencies.store,
    eventLog: dependencies.eventLog,
    configuration,
    metrics,
    readiness: dependencies.readiness ?? {},
    shutdownSignal: shutdown.signal,
    extraMetrics: dependencies.extraMetrics ?? [],
    ...(dependencies.knowledge === undefined ? {} : { knowledge: dependencies.knowledge }),
    authenticator: security.authenticator,
    maxPendingTurns: security.maxPendingTurns,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (dependencies.configuration.trustProxy !== undefined) app.set('trust proxy', trustProxyValue(dependencies.configuration.trustProxy));
  app.use(requestContextMiddleware(logger));
  app.use(observabilityMiddleware(metrics));
  app.use(securityHeaders());
  app.use((_request, response, next) => {
    response.setHeader('cache-control', 'no-store');
    next();
  });
  app.use(apiCors(security.corsOrigins));
  if (security.rateLimiters !== null) app.use('/api', ipRateLimit(security.rateLimiters));
  app.use(authenticationMiddleware(security.authenticator));
  if (security.rateLimiters !== null) app.use('/api', principalRateLimit(security.rateLimiters));
  const webApp = webAppMiddleware(dependencies.configuration.webDistDirectory);
  app.use(healthRouter(routeDependencies, { webAppAtRoot: webApp !== null }));
  app.use(authRouter({ authenticator: security.authenticator, store: dependencies.store, bodyLimitBytes: configuration.bodyLimitBytes }));
  app.use(chatRouter(routeDependencies));
  app.use(conversationsRouter(routeDependencies));
  app.use(conversationControlRouter(routeDependencies));
  app.use(escalationsRouter(routeDependencies));
  app.use(analyticsRouter(routeDependencies));
  app.use(agentsRouter(routeDependencies));
  app.use(knowledgeRouter(routeDependencies));
  app.use(codecRouter(dependencies.configuration.codec));
  app.use(modelsRouter({ ...routeDependencies, ...(dependencies.models === undefined ? {} : { models: dependencies.models }) }));
  app.use(webhooksRouter(routeDependencies));
  app.use(openApiRouter());
  if (webApp !== null) app.use(webApp);
  app.use(notFoundHandler);
  app.use(errorHandler);

  const tracking = createAgentTrackingServer({
    temporal: dependencies.temporal,
    eventLog: dependencies.eventLog,
    metrics,
    logger,
    authenticator: security.authenticator,
    ownership: { temporal: dependencies.temporal, store: dependencies.store, timeoutMs: configuration.temporalRpcTimeoutMs },
    options: { snapshotTimeoutMs: configuration.temporalRpcTimeoutMs, ...dependencies.websocket },
  });

  return {
    app,
    attachWebSocket: (server) => tracking.attach(server),
    async close() {
      shutdown.abort();
      await tracking.close();
    },
  };
}

/** `AGENTCRAFT_TRUST_PROXY`: a hop count (`1`), `true`/`false`, or Express's names and subnets (`loopback`, `10.0.0.0/8`). */
function trustProxyValue(value: string): boolean | number | string {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

function resolveConfiguration(configuration: ApiConfiguration): ResolvedApiConfiguration {
  return {
    temporal: { taskQueue: configuration.temporal.taskQueue, namespace: configuration.temporal.namespace },
    waitTimeoutMs: configuration.waitTimeoutMs,
    bodyLimitBytes: configuration.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    temporalRpcTimeoutMs: configuration.temporalRpcTimeoutMs ?? 30_000,
    readinessTimeoutMs: configuration.readinessTimeoutMs ?? 2_000,
  };
}
