/**
 * `tsx temporal-config/register-main.ts`: registers AgentCraft's search attributes on the namespace
 * of the cluster at `TEMPORAL_ADDRESS` (with `TEMPORAL_API_KEY` / `TEMPORAL_TLS_CERT_PATH` +
 * `TEMPORAL_TLS_KEY_PATH` when set). Idempotent: run it on every deploy. Without `TEMPORAL_ADDRESS`
 * it targets the local dev server (`127.0.0.1:AGENTCRAFT_TEMPORAL_PORT`), which already has them.
 */
import { Connection } from '@temporalio/client';
import { loadConfiguration } from '../domain/config.js';
import { temporalConnectionOptions } from '../api/temporal-connection.js';
import { registerSearchAttributes } from './search-attributes.js';

const print = (line: string): boolean => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const configuration = loadConfiguration();
  const { namespace } = configuration.temporal;
  const address = configuration.temporal.address ?? `127.0.0.1:${configuration.temporal.embeddedPort}`;
  if (configuration.temporal.address === undefined) print(`TEMPORAL_ADDRESS is unset; using the local dev server at ${address}.`);
  const connection = await Connection.connect(await temporalConnectionOptions({ ...configuration.temporal, address }));
  try {
    const { added, existing } = await registerSearchAttributes(connection, namespace);
    print(`Namespace "${namespace}" at ${address}:`);
    for (const name of added) print(`  added     ${name}`);
    for (const name of existing) print(`  unchanged ${name}`);
  } finally {
    await connection.close();
  }
}

/** gRPC PERMISSION_DENIED, UNIMPLEMENTED, UNAUTHENTICATED: what Temporal Cloud answers to OperatorService calls. */
const CLOUD_REFUSALS = new Set([7, 12, 16]);

main().catch((error: unknown) => {
  process.stderr.write(`Search attribute registration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  if (CLOUD_REFUSALS.has(Number((error as { code?: unknown }).code))) {
    process.stderr.write('On Temporal Cloud, add them with tcld or the Cloud UI instead (see temporal-config/README.md).\n');
  }
  process.exitCode = 1;
});
