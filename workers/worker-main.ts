/**
 * `npm run worker`: one worker process (scale horizontally by starting more). It shares state with
 * `npm run api` through DATABASE_URL, REDIS_URL and TEMPORAL_ADDRESS.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { temporalConnectionOptions } from '../api/temporal-connection.js';
import { loadConfiguration } from '../domain/config.js';
import { createLogger } from '../domain/logger.js';
import { encryptionDataConverter } from '../domain/payload-codec.js';
import { createAgentcraftWorker } from './create-worker.js';
import { installTemporalRuntime } from './runtime.js';
import { setupTelemetry } from './telemetry.js';
import { ensureKnowledgeReembedding } from './knowledge-reembedding.js';
import { ensureRetrainSchedules } from './retrain-schedule.js';
import { activityDependencies, ensureSearchAttributes, openServices, seedKnowledgeIfEnabled } from './services.js';
import { createWorkerMetrics, startWorkerHttpServer, workerReadiness, type WorkerHttpServer } from './worker-http.js';

async function main(): Promise<void> {
  const configuration = loadConfiguration();
  const logger = createLogger({ level: configuration.logLevel, name: 'agentcraft-worker' });
  if (configuration.databaseUrl === undefined || configuration.redisUrl === undefined) {
    logger.warn('DATABASE_URL or REDIS_URL is unset: a separate API process will not see this worker\'s data or events (use `npm start` for the all-in-one mode)');
  }
  const telemetry = setupTelemetry({ defaultServiceName: 'agentcraft-worker' });
  installTemporalRuntime(logger, { ...(configuration.sdkMetricsAddress === undefined ? {} : { sdkMetricsAddress: configuration.sdkMetricsAddress }) });
  const services = await openServices(configuration, logger);
  const metrics = configuration.workerHttpPort === undefined ? undefined : createWorkerMetrics();
  // Filled in once the worker exists; until then `/readyz` reports it as starting.
  const current: { worker?: Worker } = {};
  // Started before the workflow bundle is built, so liveness probes pass during a slow start.
  const http: WorkerHttpServer | undefined =
    configuration.workerHttpPort === undefined || metrics === undefined
      ? undefined
      : await startWorkerHttpServer({
          port: configuration.workerHttpPort,
          registry: metrics.registry,
          ...(services.models.metricsRegistry === null ? {} : { extraRegistries: [services.models.metricsRegistry] }),
          readiness: workerReadiness({ workerState: () => current.worker?.getState(), store: services.store, eventLog: services.eventLog }),
          logger,
        });
  await seedKnowledgeIfEnabled(configuration, services.store, logger, services.knowledge);
  const connectionOptions = await temporalConnectionOptions(configuration.temporal);
  const dataConverter = encryptionDataConverter(configuration.codec.keys);
  const clientConnection = await Connection.connect(connectionOptions);
  await ensureSearchAttributes(clientConnection, configuration.temporal.namespace, logger);
  const client = new Client({ connection: clientConnection, namespace: configuration.temporal.namespace, dataConverter, interceptors: telemetry.clientInterceptors });
  await ensureRetrainSchedules({ client, taskQueue: configuration.temporal.taskQueue, intervalMs: configuration.routerRetrainIntervalMs, logger });
  await ensureKnowledgeReembedding({ client, store: services.store, embeddingModel: services.knowledge.embeddingModel, taskQueue: configuration.temporal.taskQueue, logger });
  await clientConnection.close();
  const connection = await NativeConnection.connect(connectionOptions);
  const worker = await createAgentcraftWorker({
    connection,
    namespace: configuration.temporal.namespace,
    taskQueue: configuration.temporal.taskQueue,
    dependencies: { ...activityDependencies(services, configuration, logger), ...(metrics === undefined ? {} : { metrics: metrics.turnMetrics }) },
    logger,
    concurrency: configuration.workerConcurrency,
    dataConverter,
    telemetry,
  });
  current.worker = worker;
  logger.info({ taskQueue: configuration.temporal.taskQueue, address: configuration.temporal.address }, 'worker running');
  // The Temporal runtime shuts the worker down on SIGINT/SIGTERM; run() resolves once it has drained.
  await worker.run();
  await http?.close();
  await connection.close();
  await services.close();
  await telemetry.shutdown();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
