/**
 * `npm run replay -- <workflowId> [runId]`: fetches a history from Temporal and replays it against the
 * current workflow code. `npm run replay -- --file history.json` replays a saved history instead.
 * Exit code 0: deterministic; 1: the code no longer matches the history (ship the change behind patched()).
 */
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { temporalConnectionOptions } from '../api/temporal-connection.js';
import { loadConfiguration } from '../domain/config.js';
import { createLogger } from '../domain/logger.js';
import { encryptionDataConverter } from '../domain/payload-codec.js';
import { parseHistory, replayFromServer, replayHistory, type ReplayOutcome } from './replay.js';

async function main(): Promise<number> {
  const [first, second] = process.argv.slice(2);
  if (first === undefined || first === '--help') {
    console.log('usage: npm run replay -- <workflowId> [runId]   |   npm run replay -- --file <history.json>');
    return first === undefined ? 2 : 0;
  }
  const configuration = loadConfiguration();
  const logger = createLogger({ level: 'warn', name: 'replay' });
  const dataConverter = encryptionDataConverter(configuration.codec.keys);
  let outcome: ReplayOutcome;
  if (first === '--file') {
    if (second === undefined) throw new Error('--file needs a path');
    outcome = await replayHistory(parseHistory(JSON.parse(await readFile(second, 'utf8'))), second, logger, dataConverter);
  } else {
    const connection = await Connection.connect(await temporalConnectionOptions(configuration.temporal));
    try {
      outcome = await replayFromServer(new Client({ connection, namespace: configuration.temporal.namespace }), first, second, logger, dataConverter);
    } finally {
      await connection.close();
    }
  }
  console.log(outcome.error === null ? `✓ ${outcome.workflowId} replays deterministically` : `✗ ${outcome.workflowId}: ${outcome.error}`);
  return outcome.error === null ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
