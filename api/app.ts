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
import type { EventLog } from '../activities/events/event-log.js';
import type { Store } from '../activities/persistence/store.js';
import type { Configuration } from '../domain/config.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { createApiMetrics, observabilityMiddleware } from './metrics.js';
import { requestContextMiddleware } from './request-context.js';
import { agentsRouter } from './routes/agents.js';
import { analyticsRouter } from './routes/analytics.js';
import { chatRouter } from './routes/chat.js';
import { codecRouter } from './routes/codec.js';
import { conversationControlRouter } from './routes/conversation-control.js';
import { escalationsRouter } from './routes/escalations.js';
import { modelsRouter, type ModelDirectory } from './routes/models.js';
import { conversationsRouter } from './routes/conversations.js';
import { healthRouter } from './routes/health.js';
import type { ReadinessCheck, ResolvedApiConfiguration, RouteDependencies } from './routes/route-dependencies.js';
import { webAppMiddleware } from './web-app.js';
import { createAgentTrackingServer, type AgentTrackingOptions } from './websocket.js';

export type { ReadinessCheck } from './routes/route-dependencies.js';

/** The configuration the API reads: a full `Configuration` fits, and tests may pass just these fields. */
export interface ApiConfiguration extends Pick<Configuration, 'waitTimeoutMs'>, Partial<Pick<Configuration, 'codec'>> {
  temporal: Pick<Configuration['temporal'], 'taskQueue' | 'namespace'>;
  /** Largest accepted JSON body (default 64 KiB); larger bodies get 413 `payload_too_large`. */
  bodyLimitBytes?: number;
  /** Bound on each Temporal call made for a request: update acceptance, queries (default 30 s). */
  temporalRpcTimeoutMs?: number;
  /** Bound on each `/readyz` check (default 2 s). */
  readinessTimeoutMs?: number;
  /** Built web app (`web/dist`) to serve after the API routes; unset or without `index.html`: none. */
  webDistDirectory?: string;
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
  const routeDependencies: RouteDependencies = {
    temporal: dependencies.temporal,
    store: dependencies.store,
    eventLog: dependencies.eventLog,
    configuration,
    metrics,
    readiness: dependencies.readiness ?? {},
    shutdownSignal: shutdown.signal,
    extraMetrics: dependencies.extraMetrics ?? [],
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContextMiddleware(logger));
  app.use(observabilityMiddleware(metrics));
  app.use((_request, response, next) => {
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('cache-control', 'no-store');
    next();
  });
  const webApp = webAppMiddleware(dependencies.configuration.webDistDirectory);
  app.use(healthRouter(routeDependencies, { webAppAtRoot: webApp !== null }));
  app.use(chatRouter(routeDependencies));
  app.use(conversationsRouter(routeDependencies));
  app.use(conversationControlRouter(routeDependencies));
  app.use(escalationsRouter(routeDependencies));
  app.use(analyticsRouter(routeDependencies));
  app.use(agentsRouter(routeDependencies));
  app.use(codecRouter(dependencies.configuration.codec));
  app.use(modelsRouter({ ...routeDependencies, ...(dependencies.models === undefined ? {} : { models: dependencies.models }) }));
  if (webApp !== null) app.use(webApp);
  app.use(notFoundHandler);
  app.use(errorHandler);

  const tracking = createAgentTrackingServer({
    temporal: dependencies.temporal,
    eventLog: dependencies.eventLog,
    metrics,
    logger,
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

function resolveConfiguration(configuration: ApiConfiguration): ResolvedApiConfiguration {
  return {
    temporal: { taskQueue: configuration.temporal.taskQueue, namespace: configuration.temporal.namespace },
    waitTimeoutMs: configuration.waitTimeoutMs,
    bodyLimitBytes: configuration.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    temporalRpcTimeoutMs: configuration.temporalRpcTimeoutMs ?? 30_000,
    readinessTimeoutMs: configuration.readinessTimeoutMs ?? 2_000,
  };
}
