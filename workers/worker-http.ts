/**
 * The worker's own HTTP server (`AGENTCRAFT_WORKER_HTTP_PORT`): `/healthz` for liveness probes, `/readyz`
 * for readiness (the worker polls and its store and event log answer), and `/metrics` for Prometheus.
 * Contract: `infra/monitoring/METRICS.md`. Plain `node:http`: three fixed routes need no framework.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '../domain/logger.js';
import { createPrometheusTurnMetrics } from '../activities/metrics/prometheus-turn-metrics.js';
import type { TurnMetrics } from '../activities/metrics/turn-metrics.js';

/** What `/readyz` reports: ready, and each check's result (`ok` or why not). */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

export interface WorkerHttpOptions {
  /** `0` binds any free port (tests read it from the `worker http listening` log line). */
  port: number;
  /** Default: every interface, so Prometheus and probes reach it from outside the container. */
  host?: string;
  registry: Registry;
  /** More registries served on the same `/metrics` (the LLM router's `agentcraft_llm_*` counters). */
  extraRegistries?: Registry[];
  readiness(): Promise<ReadinessReport>;
  logger: Logger;
}

export interface WorkerHttpServer {
  port: number;
  close(): Promise<void>;
}

/** The worker's metrics registry: default process metrics (`agentcraft_worker_` prefix), turn, stage, escalation and retrieval metrics. */
export function createWorkerMetrics(): { registry: Registry; turnMetrics: TurnMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'agentcraft_worker_' });
  return { registry, turnMetrics: createPrometheusTurnMetrics(registry) };
}

interface Pingable {
  ping(): Promise<void>;
}

/** Worker states in which it polls for tasks; anything else (starting, `STOPPING`, `DRAINING`…) is not ready. */
const READY_STATE = 'RUNNING';
const PING_TIMEOUT_MS = 2000;

async function pingWithin(target: Pingable, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([target.ping().then(() => 'ok', (error: unknown) => (error instanceof Error ? error.message : String(error))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness from the worker's state (undefined until it is created) and pings of the store and event log. */
export function workerReadiness(options: { workerState(): string | undefined; store: Pingable; eventLog: Pingable; timeoutMs?: number }): () => Promise<ReadinessReport> {
  return async () => {
    const state = options.workerState() ?? 'STARTING';
    const timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
    const [store, eventLog] = await Promise.all([pingWithin(options.store, timeoutMs), pingWithin(options.eventLog, timeoutMs)]);
    const checks = { worker: state === READY_STATE ? 'ok' : state, store, eventLog };
    return { ready: Object.values(checks).every((check) => check === 'ok'), checks };
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function route(request: IncomingMessage, response: ServerResponse, options: WorkerHttpOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://worker').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: 'method_not_allowed' });
  if (path === '/healthz') return sendJson(response, 200, { status: 'ok' });
  if (path === '/readyz') {
    const report = await options.readiness();
    return sendJson(response, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  }
  if (path === '/metrics') {
    const extra = options.extraRegistries ?? [];
    // Merged per scrape, so series registered after start (and a name clash, loudly) show up.
    const registry = extra.length === 0 ? options.registry : Registry.merge([options.registry, ...extra]);
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(body);
    return;
  }
  sendJson(response, 404, { error: 'not_found' });
}

/** Starts the server and resolves once it listens (logs `worker http listening` with the bound port). */
export async function startWorkerHttpServer(options: WorkerHttpOptions): Promise<WorkerHttpServer> {
  const logger = options.logger.child({ component: 'worker-http' });
  const server: Server = createServer((request, response) => {
    route(request, response, options).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'worker http request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal_error' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, `worker http listening on port ${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
