/**
 * The worker HTTP server on loopback, with readiness from the real store (PostgreSQL) and event log
 * (Redis). The three-worker test (`scale-out.test.ts`) checks the endpoints of running workers; this file
 * covers what it cannot time reliably: not ready while starting or shutting down, or when Redis is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventLog } from '../activities/events/create-event-log.js';
import type { EventLog } from '../activities/events/event-log.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import type { Store } from '../activities/persistence/store.js';
import { createLogger } from '../domain/logger.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { findFreePort } from './dev-server.js';
import { createWorkerMetrics, startWorkerHttpServer, workerReadiness, type WorkerHttpServer } from './worker-http.js';

const logger = createLogger({ level: 'silent', name: 'worker-http-test' });
let database: TestDatabase;
let store: Store;
let eventLog: EventLog;
let unreachableEventLog: EventLog;
let server: WorkerHttpServer;
let brokenServer: WorkerHttpServer;
let state: string | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  store = createStore({ databaseUrl: database.url, logger });
  eventLog = createEventLog({ redisUrl: 'redis://127.0.0.1:6379', logger });
  // Nothing listens on a port just found free: the event log's ping fails.
  unreachableEventLog = createEventLog({ redisUrl: `redis://127.0.0.1:${await findFreePort()}`, logger });
  const { registry, turnMetrics } = createWorkerMetrics();
  turnMetrics.turnFinished({ turnId: 'turn-1', outcome: 'answered', durationSeconds: 3 });
  turnMetrics.turnFinished({ turnId: 'turn-1', outcome: 'answered', durationSeconds: 3 });
  turnMetrics.escalationCreated({ escalationId: 'turn-2.review', reason: 'low_confidence' });
  server = await startWorkerHttpServer({ port: 0, host: '127.0.0.1', registry, logger, readiness: workerReadiness({ workerState: () => state, store, eventLog }) });
  brokenServer = await startWorkerHttpServer({
    port: 0,
    host: '127.0.0.1',
    registry,
    logger,
    readiness: workerReadiness({ workerState: () => 'RUNNING', store, eventLog: unreachableEventLog, timeoutMs: 1000 }),
  });
});

afterAll(async () => {
  await Promise.allSettled([server?.close(), brokenServer?.close(), eventLog?.close(), unreachableEventLog?.close(), store?.close()]);
  await database?.drop();
});

const get = (target: WorkerHttpServer, path: string) => fetch(`http://127.0.0.1:${target.port}${path}`);

describe('worker http server', () => {
  it('is alive at once and ready only while the worker is RUNNING', async () => {
    expect((await get(server, '/healthz')).status).toBe(200);
    const states: [string | undefined, number, string][] = [
      [undefined, 503, 'STARTING'],
      ['RUNNING', 200, 'ok'],
      ['STOPPING', 503, 'STOPPING'],
      ['DRAINING', 503, 'DRAINING'],
    ];
    for (const [workerState, status, check] of states) {
      state = workerState;
      const response = await get(server, '/readyz');
      expect([response.status, await response.json()]).toEqual([status, { status: status === 200 ? 'ready' : 'not_ready', checks: { worker: check, store: 'ok', eventLog: 'ok' } }]);
    }
  });

  it('is not ready when the event log does not answer', async () => {
    const response = await get(brokenServer, '/readyz');
    const body = (await response.json()) as { checks: Record<string, string> };
    expect(response.status).toBe(503);
    expect(body.checks.worker).toBe('ok');
    expect(body.checks.store).toBe('ok');
    expect(body.checks.eventLog).not.toBe('ok');
  });

  it('serves the metrics contract, counting a turn reported twice once', async () => {
    const response = await get(server, '/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const metrics = await response.text();
    expect(metrics).toMatch(/^agentcraft_turns_total\{outcome="answered"\} 1$/m);
    expect(metrics).toMatch(/^agentcraft_turn_duration_seconds_sum\{outcome="answered"\} 3$/m);
    expect(metrics).toMatch(/^agentcraft_escalations_total\{reason="low_confidence"\} 1$/m);
    expect(metrics).toContain('# TYPE agentcraft_stage_duration_seconds histogram');
    expect(metrics).toMatch(/^agentcraft_worker_process_resident_memory_bytes \d+/m);
    expect((await get(server, '/nothing')).status).toBe(404);
  });
});
