/**
 * Connects the API's Temporal client from configuration: plain gRPC for the local dev server, mTLS
 * when a client certificate is configured, API key (with TLS) for Temporal Cloud.
 */
import { readFile } from 'node:fs/promises';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Configuration } from '../domain/config.js';

export type TemporalConnectionConfiguration = Pick<
  Configuration['temporal'],
  'address' | 'namespace' | 'apiKey' | 'tlsCertPath' | 'tlsKeyPath'
>;

/** Used when `TEMPORAL_ADDRESS` is unset outside the embedded mode (IPv4: the dev server binds 127.0.0.1). */
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/** Options accepted by both `Connection.connect` (clients) and `NativeConnection.connect` (workers). */
export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: { clientCertPair: { crt: Buffer; key: Buffer } } | true;
  metadata?: Record<string, string>;
}

/** Builds the connection options (reads the TLS key pair when configured). */
export async function temporalConnectionOptions(configuration: TemporalConnectionConfiguration): Promise<TemporalConnectionOptions> {
  const options: TemporalConnectionOptions = { address: configuration.address ?? DEFAULT_TEMPORAL_ADDRESS };
  if (configuration.tlsCertPath !== undefined || configuration.tlsKeyPath !== undefined) {
    if (configuration.tlsCertPath === undefined || configuration.tlsKeyPath === undefined) {
      throw new Error('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
    }
    const [crt, key] = await Promise.all([readFile(configuration.tlsCertPath), readFile(configuration.tlsKeyPath)]);
    options.tls = { clientCertPair: { crt, key } };
  }
  if (configuration.apiKey !== undefined) {
    options.apiKey = configuration.apiKey;
    options.tls ??= true;
    // Temporal Cloud routes API-key requests by this header.
    options.metadata = { 'temporal-namespace': configuration.namespace };
  }
  return options;
}

/**
 * Connects (verifying reachability) and returns the client; close `client.connection` when done.
 * `dataConverter` carries the payload codec when encryption is configured; `workflowInterceptors` the tracing
 * interceptor (`setupTelemetry().clientInterceptors`).
 */
export async function connectTemporalClient(
  configuration: TemporalConnectionConfiguration,
  dataConverter?: DataConverter,
  workflowInterceptors?: WorkflowClientInterceptor[],
): Promise<Client> {
  const connection = await Connection.connect(await temporalConnectionOptions(configuration));
  return new Client({
    connection,
    namespace: configuration.namespace,
    ...(dataConverter === undefined ? {} : { dataConverter }),
    ...(workflowInterceptors === undefined ? {} : { interceptors: { workflow: workflowInterceptors } }),
  });
}
