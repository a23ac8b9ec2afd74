/**
 * `npm run api`: the API as its own process. `startApiServer` (listen + graceful close) is reused by the
 * all-in-one `npm start` and by tests. Only this file builds infrastructure adapters (store, event log);
 * routes receive them through `createApp`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { createEventLog } from '../activities/events/create-event-log.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import { loadConfiguration } from '../domain/config.js';
import { encryptionDataConverter } from '../domain/payload-codec.js';
import { createModelSetup } from '../workers/model-setup.js';
import { openKnowledgeServices } from '../workers/knowledge-setup.js';
import { setupTelemetry, tracedRequestListener } from '../workers/telemetry.js';
import { createLogger } from '../domain/logger.js';
import { createApp, type ApiDependencies } from './app.js';
import { connectTemporalClient } from './temporal-connection.js';

export interface StartApiServerOptions extends ApiDependencies {
  port: number;
  /** Default `127.0.0.1`; `0.0.0.0` to accept outside connections. */
  host?: string;
  /** How long in-flight requests may take to finish on close before their sockets are cut (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface RunningApiServer {
  /** The bound port (useful with `port: 0`). */
  port: number;
  server: http.Server;
  /** Stops accepting, ends waits, closes WebSockets with 1001, then the HTTP server. Leaves the dependencies open. */
  close(): Promise<void>;
}

export async function startApiServer(options: StartApiServerOptions): Promise<RunningApiServer> {
  const { port, host = '127.0.0.1', shutdownTimeoutMs = 10_000, ...dependencies } = options;
  // Rate limits shared by every API process need Redis; a client made here is closed here.
  const { redisUrl, rateLimits } = dependencies.configuration;
  const ownRedis =
    dependencies.rateLimitRedis === undefined && redisUrl !== undefined && rateLimits !== undefined && rateLimits.enabled !== false
      ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
      : undefined;
  ownRedis?.on('error', (error) => dependencies.logger.warn({ err: error }, 'rate-limit redis error (limits fall back to memory)'));
  const api = createApp(ownRedis === undefined ? dependencies : { ...dependencies, rateLimitRedis: ownRedis });
  // A server span per request (a no-op unless tracing is configured); Temporal calls inside become its children.
  const server = http.createServer(tracedRequestListener(api.app));
  // Slightly above common load-balancer idle timeouts, so the balancer closes idle sockets first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  api.attachWebSocket(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  dependencies.logger.info({ port: boundPort, host }, 'api listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
      server.closeIdleConnections();
      const forced = setTimeout(() => server.closeAllConnections(), shutdownTimeoutMs);
      forced.unref();
      await serverClosed;
      clearTimeout(forced);
      ownRedis?.disconnect();
    })());
  return { port: boundPort, server, close };
}

/** Entry point of `npm run api`. */
async function main(): Promise<void> {
  const configuration = loadConfiguration();
  const logger = createLogger({ level: configuration.logLevel, name: 'agentcraft-api' });
  const telemetry = setupTelemetry({ defaultServiceName: 'agentcraft-api' });
  // Standalone, the API shares nothing in-process with the workers: say so when that will not work.
  if (configuration.redisUrl === undefined) {
    logger.warn('REDIS_URL is not set: the in-process event log only sees events of workers in this process (use npm start)');
  }
  if (configuration.databaseUrl === undefined) {
    logger.warn('DATABASE_URL is not set: PGlite is single-process, so a separate worker cannot share it (use npm start)');
  }
  const temporal = await connectTemporalClient(configuration.temporal, encryptionDataConverter(configuration.codec.keys), telemetry.clientInterceptors.workflow);
  const store = createStore({
    databaseUrl: configuration.databaseUrl,
    pgliteDirectory: path.join(configuration.dataDirectory, 'pglite'),
    logger,
    secretKeys: configuration.secretKeys,
  });
  const eventLog = createEventLog({ redisUrl: configuration.redisUrl, logger });
  await store.migrate();
  // A describing copy of the router: its breakers live in Redis, so health matches what the workers see.
  const models = createModelSetup(configuration, logger);
  // Search embeds queries and deletes remove vectors: the API opens the same vector store as the workers.
  const knowledge = openKnowledgeServices(configuration, logger);
  const running = await startApiServer({
    temporal,
    store,
    eventLog,
    models,
    knowledge: knowledge.services,
    // Standalone, the API is meant to be reachable: credentials are required unless development mode is asked for.
    configuration: { ...configuration, auth: { ...configuration.auth, mode: configuration.auth.mode ?? 'jwt' } },
    logger,
    port: configuration.port,
    host: configuration.host,
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, 20_000).unref();
    running
      .close()
      .then(() => Promise.allSettled([store.close(), eventLog.close(), temporal.connection.close(), models.close(), knowledge.close(), telemetry.shutdown()]))
      .then((results) => {
        for (const result of results) if (result.status === 'rejected') logger.warn({ err: result.reason }, 'closing a dependency failed');
        logger.info('stopped');
        logger.flush();
        process.exitCode = 0;
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    createLogger({ name: 'agentcraft-api' }).fatal({ err: error }, 'api failed to start');
    process.exit(1);
  });
}
