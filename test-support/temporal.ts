/**
 * Access to the Temporal dev server that `global-setup.ts` starts once per test run. Use a unique
 * task queue and workflow id per test: the server (and its namespace) is shared by every test file.
 */
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
// Brings in the `ProvidedContext` augmentation that types `inject('temporalAddress')`.
import type {} from './global-setup.js';

/** `host:port` of the shared dev server. */
export function testTemporalAddress(): string {
  return inject('temporalAddress');
}

/** A connection and client to the shared dev server; `close()` them in `afterAll`. */
export interface TestClient {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/** Connects to the shared dev server (namespace `default` unless given). */
export async function createTestClient(options: { namespace?: string } = {}): Promise<TestClient> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  const client = new Client({ connection, namespace: options.namespace ?? 'default' });
  return { connection, client, close: () => connection.close() };
}
