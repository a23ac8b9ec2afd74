/**
 * Operational endpoints: liveness (`/healthz`), readiness of every dependency (`/readyz`, each check
 * bounded by a short timeout) and Prometheus metrics (`/metrics`).
 */
import express, { type Router } from 'express';
import { requestContextOf } from '../request-context.js';
import { prefersHtml } from '../web-app.js';
import type { ReadinessCheck, RouteDependencies } from './route-dependencies.js';
import { Registry } from 'prom-client';

type CheckStatus = 'ok' | 'error' | 'timeout';
interface CheckReport {
  status: CheckStatus;
  durationMs: number;
}

/** Runs one probe with a timeout; the error itself goes to the log, not into the response. */
async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ status: CheckStatus; durationMs: number; error?: unknown }> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
    return { status: outcome, durationMs: Math.round(performance.now() - startedAt) };
  } catch (error) {
    return { status: 'error', durationMs: Math.round(performance.now() - startedAt), error };
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthRouterOptions {
  /** The web app is served: a browser asking for `/` gets it, JSON clients still get the endpoint list. */
  webAppAtRoot?: boolean;
}

export function healthRouter(dependencies: RouteDependencies, options: HealthRouterOptions = {}): Router {
  const { temporal, store, eventLog, configuration, metrics } = dependencies;
  const timeoutMs = configuration.readinessTimeoutMs;
  const checks: Record<string, ReadinessCheck> = {
    temporal: () => temporal.connection.withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({})),
    store: () => store.ping(),
    eventLog: () => eventLog.ping(),
    ...dependencies.readiness,
  };
  const router = express.Router();

  // The root says what this server offers instead of a bare 404 (to browsers too when the web app is not built).
  router.get('/', (request, response, next) => {
    if (options.webAppAtRoot === true && prefersHtml(request)) {
      next();
      return;
    }
    response.json({
      name: 'AgentCraft',
      endpoints: {
        chat: 'POST /api/chat  { message, conversationId?, customerId?, metadata? }  (?wait=true for the answer)',
        conversation: 'GET /api/conversations/:id',
        state: 'GET /api/conversations/:id/state',
        trace: 'GET /api/conversations/:id/turns/:turnId',
        events: 'WebSocket /api/ws/agent-tracking  { type: "subscribe", conversationId, fromSeq? }',
        health: ['GET /healthz', 'GET /readyz', 'GET /metrics'],
      },
    });
  });

  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });

  router.get('/readyz', async (_request, response) => {
    const logger = requestContextOf(response).logger;
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        const { error, ...report } = await runCheck(check, timeoutMs);
        if (report.status !== 'ok') logger.warn({ check: name, status: report.status, err: error }, 'readiness check failed');
        return [name, report] as [string, CheckReport];
      }),
    );
    const shuttingDown = dependencies.shutdownSignal.aborted;
    const ready = !shuttingDown && entries.every(([, report]) => report.status === 'ok');
    response.status(ready ? 200 : 503).json({
      status: ready ? 'ok' : shuttingDown ? 'shutting_down' : 'unavailable',
      checks: Object.fromEntries(entries),
    });
  });

  router.get('/metrics', async (_request, response) => {
    const extra = dependencies.extraMetrics ?? [];
    const registry = extra.length === 0 ? metrics.registry : Registry.merge([metrics.registry, ...extra]);
    response.type(registry.contentType).send(await registry.metrics());
  });

  return router;
}
