/**
 * `npm start`: everything in one process — the Temporal dev server (unless TEMPORAL_ADDRESS is set),
 * PGlite and the in-process event log (unless DATABASE_URL / REDIS_URL are set), the worker and the API.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectionOptions } from '../api/temporal-connection.js';
import { startApiServer } from '../api/server.js';
import { loadConfiguration, type Configuration } from '../domain/config.js';
import { createLogger, type Logger } from '../domain/logger.js';
import { encryptionDataConverter } from '../domain/payload-codec.js';
import { createAgentcraftWorker } from './create-worker.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { installTemporalRuntime } from './runtime.js';
import { setupTelemetry } from './telemetry.js';
import { ensureKnowledgeReembedding } from './knowledge-reembedding.js';
import { ensureRetrainSchedules } from './retrain-schedule.js';
import { createWorkerMetrics } from './worker-http.js';
import { activityDependencies, ensureSearchAttributes, openServices, seedKnowledgeIfEnabled } from './services.js';

async function startTemporal(configuration: Configuration, logger: Logger): Promise<{ address: string; uiUrl: string | null; devServer?: DevServer }> {
  if (configuration.temporal.address !== undefined) return { address: configuration.temporal.address, uiUrl: configuration.temporal.uiUrl ?? null };
  const devServer = await startDevServer({
    dataDirectory: configuration.dataDirectory,
    port: configuration.temporal.embeddedPort,
    uiPort: configuration.temporal.embeddedUiPort,
    namespace: configuration.temporal.namespace,
    logger,
  });
  return { address: devServer.address, uiUrl: devServer.uiUrl, devServer };
}

async function main(): Promise<void> {
  const started = performance.now();
  const configuration = loadConfiguration();
  const logger = createLogger({ level: configuration.logLevel, name: 'agentcraft' });
  const telemetry = setupTelemetry({ defaultServiceName: 'agentcraft' });
  installTemporalRuntime(logger);
  const temporal = await startTemporal(configuration, logger);
  const services = await openServices(configuration, logger);
  // Turn, stage and escalation metrics are served on the API's /metrics: one process, one scrape target.
  const workerMetrics = createWorkerMetrics();
  await seedKnowledgeIfEnabled(configuration, services.store, logger, services.knowledge);
  const connectionOptions = await temporalConnectionOptions({ ...configuration.temporal, address: temporal.address });
  const workerConnection = await NativeConnection.connect(connectionOptions);
  const dataConverter = encryptionDataConverter(configuration.codec.keys);
  const worker = await createAgentcraftWorker({
    connection: workerConnection,
    namespace: configuration.temporal.namespace,
    taskQueue: configuration.temporal.taskQueue,
    dependencies: { ...activityDependencies(services, configuration, logger), metrics: workerMetrics.turnMetrics },
    logger,
    concurrency: configuration.workerConcurrency,
    dataConverter,
    telemetry,
  });
  const clientConnection = await Connection.connect(connectionOptions);
  // The embedded dev server registers them with its flags; an external cluster may not have them yet.
  if (temporal.devServer === undefined) await ensureSearchAttributes(clientConnection, configuration.temporal.namespace, logger);
  const client = new Client({ connection: clientConnection, namespace: configuration.temporal.namespace, dataConverter, interceptors: telemetry.clientInterceptors });
  await ensureRetrainSchedules({ client, taskQueue: configuration.temporal.taskQueue, intervalMs: configuration.routerRetrainIntervalMs, logger });
  await ensureKnowledgeReembedding({ client, store: services.store, embeddingModel: services.knowledge.embeddingModel, taskQueue: configuration.temporal.taskQueue, logger });
  const running = worker.run();
  const api = await startApiServer({ temporal: client, store: services.store, eventLog: services.eventLog, models: services.models, knowledge: services.knowledge, extraMetrics: [workerMetrics.registry, ...(services.models.metricsRegistry === null ? [] : [services.models.metricsRegistry])], configuration, logger, port: configuration.port, host: configuration.host });
  logger.info(
    { api: `http://localhost:${api.port}`, temporalWebUi: temporal.uiUrl, temporal: temporal.address, readyInMs: Math.round(performance.now() - started) },
    'AgentCraft is ready',
  );
  console.log(`\nAgentCraft is ready: http://localhost:${api.port}  (Temporal Web UI: ${temporal.uiUrl ?? 'external cluster'})\n`);

  // The Temporal runtime shuts the worker down on SIGINT/SIGTERM; then the rest closes in reverse order.
  await running;
  await api.close();
  await clientConnection.close();
  await workerConnection.close();
  await services.close();
  await temporal.devServer?.stop();
  await telemetry.shutdown();
  logger.info('AgentCraft stopped');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
