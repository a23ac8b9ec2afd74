/**
 * A real AgentCraft worker for tests: the shared Temporal dev server, a unique task queue, PGlite (or
 * PostgreSQL), the in-process event log (or Redis), the offline model with the demo knowledge base.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type Worker, type WorkerInterceptors } from '@temporalio/worker';
import type { ActivityDependencies, PipelineSettings } from '../activities/index.js';
import type { EventLog } from '../activities/events/event-log.js';
import { MemoryEventLog } from '../activities/events/memory-event-log.js';
import type { ChatModel } from '../activities/llm/chat-model.js';
import { OfflineChatModel } from '../activities/llm/offline-model.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import type { Store } from '../activities/persistence/store.js';
import { seedDemoKnowledge } from '../activities/retrieval/seed-demo-knowledge.js';
import { AGENT_CATALOG } from '../activities/agents/catalog.js';
import { DEFAULT_TENANT_ID } from '../domain/constants.js';
import { createLogger, type Logger } from '../domain/logger.js';
import { createAgentcraftWorker } from '../workers/create-worker.js';
import type { Telemetry } from '../workers/telemetry.js';
import { testTemporalAddress } from './temporal.js';

export interface TestPipelineOptions {
  settings?: Partial<PipelineSettings>;
  chatModel?: ChatModel;
  /** Wraps the real store, e.g. to inject a fault into one method. */
  wrapStore?: (store: Store) => Store;
  eventLog?: EventLog;
  databaseUrl?: string;
  /** Defaults to the dev server of the vitest global setup. */
  temporalAddress?: string;
  interceptors?: WorkerInterceptors;
  /** The activities' logger; default `testLogger`. */
  logger?: Logger;
  /** Tracing for the worker and `client` (`setupTelemetry`); default: none. */
  telemetry?: Telemetry;
  /** Reuse a task queue (a "restarted" worker picks up where an earlier one stopped); random by default. */
  taskQueue?: string;
  /** Given to the worker and `client` (the payload codec in encryption tests). */
  dataConverter?: DataConverter;
}

export interface TestPipeline {
  client: Client;
  store: Store;
  eventLog: EventLog;
  taskQueue: string;
  worker: Worker;
  close(): Promise<void>;
}

export const testLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test' });

/** Starts a worker on a fresh task queue; `close()` shuts it down and closes everything it opened. */
export async function startTestPipeline(options: TestPipelineOptions = {}): Promise<TestPipeline> {
  const realStore = createStore(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl });
  await realStore.migrate();
  await seedDemoKnowledge(realStore, DEFAULT_TENANT_ID);
  await realStore.seedAgents(AGENT_CATALOG);
  const store = options.wrapStore?.(realStore) ?? realStore;
  const eventLog = options.eventLog ?? new MemoryEventLog({ logger: testLogger });
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const dependencies: ActivityDependencies = {
    store,
    eventLog,
    chatModel: options.chatModel ?? new OfflineChatModel({ latencyMs: 0 }),
    logger: options.logger ?? testLogger,
    settings: { qaMinConfidence: 0.2, reviewTimeoutMs: 60_000, modelCallsAsLocalActivities: false, ...options.settings },
  };
  const address = options.temporalAddress ?? testTemporalAddress();
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await createAgentcraftWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    dependencies,
    logger: testLogger,
    ...(options.interceptors === undefined ? {} : { interceptors: options.interceptors }),
    ...(options.dataConverter === undefined ? {} : { dataConverter: options.dataConverter }),
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({
    connection,
    namespace: 'default',
    ...(options.dataConverter === undefined ? {} : { dataConverter: options.dataConverter }),
    ...(options.telemetry === undefined ? {} : { interceptors: options.telemetry.clientInterceptors }),
  });
  return {
    client,
    store,
    eventLog,
    taskQueue,
    worker,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await eventLog.close();
      await realStore.close();
    },
  };
}
