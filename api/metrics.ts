/**
 * Prometheus metrics of one app instance: a private `Registry` (so several apps in one process, as in
 * tests or the all-in-one mode, never collide), default Node metrics, and HTTP/WebSocket instruments.
 * Also the access log, written when the response finishes (pino-http is not a dependency).
 */
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { requestContextOf } from './request-context.js';

export interface ApiMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  websocketConnections: Gauge;
  websocketEventsSent: Counter;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'agentcraft_api_' });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    websocketConnections: new Gauge({
      name: 'agentcraft_websocket_connections',
      help: 'Open agent-tracking WebSocket connections.',
      registers: [registry],
    }),
    websocketEventsSent: new Counter({
      name: 'agentcraft_websocket_events_sent_total',
      help: 'Conversation events sent to WebSocket clients.',
      registers: [registry],
    }),
  };
}

/** The route pattern (`/api/conversations/:id`), never the raw path, to keep label cardinality bounded. */
export function routeLabel(request: Request): string {
  const route = (request as { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? `${request.baseUrl}${route.path}` : 'unmatched';
}

/** Observes the request duration and writes one access-log line when the response ends. */
export function observabilityMiddleware(metrics: ApiMetrics): RequestHandler {
  return (request, response, next) => {
    const startedAt = process.hrtime.bigint();
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      const durationSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const route = routeLabel(request);
      // A client that hung up before the response was written has no real status: label it 499.
      const statusCode = response.writableFinished ? response.statusCode : 499;
      metrics.httpRequestDuration.observe({ method: request.method, route, status_code: String(statusCode) }, durationSeconds);
      const quiet = route === '/healthz' || route === '/readyz' || route === '/metrics';
      requestContextOf(response).logger[quiet ? 'debug' : 'info'](
        { method: request.method, url: request.originalUrl, route, statusCode, durationMs: Math.round(durationSeconds * 1000) },
        'request finished',
      );
    };
    response.once('finish', record);
    response.once('close', record);
    next();
  };
}
