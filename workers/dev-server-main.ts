/**
 * `npm run temporal`: the embedded-mode Temporal dev server on its own, with state in
 * `<AGENTCRAFT_DATA_DIR>/temporal.sqlite`, gRPC on `AGENTCRAFT_TEMPORAL_PORT` and the Web UI on
 * `AGENTCRAFT_TEMPORAL_UI_PORT`. Handy to keep history across `npm start` restarts or to run the API
 * and worker as separate processes against it (`TEMPORAL_ADDRESS=127.0.0.1:7233`).
 */
import { loadConfiguration } from '../domain/config.js';
import { createLogger } from '../domain/logger.js';
import { startDevServer } from './dev-server.js';

async function main(): Promise<void> {
  const configuration = loadConfiguration();
  const logger = createLogger({ level: configuration.logLevel, name: 'temporal-dev-server' });
  const server = await startDevServer({
    dataDirectory: configuration.dataDirectory,
    port: configuration.temporal.embeddedPort,
    uiPort: configuration.temporal.embeddedUiPort,
    namespace: configuration.temporal.namespace,
    logger,
  });
  console.log(`Temporal dev server ready (namespace "${configuration.temporal.namespace}")`);
  console.log(`  gRPC address: ${server.address}`);
  console.log(`  Web UI:       ${server.uiUrl ?? '(headless)'}`);
  console.log(`  State:        ${configuration.dataDirectory}/temporal.sqlite`);
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping the Temporal dev server…`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Failed to stop the Temporal dev server:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
