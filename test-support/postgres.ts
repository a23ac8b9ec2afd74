/**
 * Throwaway PostgreSQL databases on the local server, one per test file, so suites run in parallel without
 * seeing each other's rows. The admin URL defaults to the trust-auth server on 127.0.0.1:5432 and can be
 * overridden with `AGENTCRAFT_TEST_POSTGRES_URL`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where test databases are created from (a database the test user may connect to and CREATE DATABASE on). */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  /** The database's name (`agentcraft_test_<hex>`). */
  name: string;
  /** Drops the database, disconnecting any client still attached. Idempotent. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const override = process.env.AGENTCRAFT_TEST_POSTGRES_URL?.trim();
  return override === undefined || override === '' ? DEFAULT_TEST_POSTGRES_URL : override;
}

async function runAsAdmin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates a uniquely named empty database on the test server; call `drop()` when done. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = adminUrl();
  // Only hex digits after a fixed prefix: safe to use as an identifier without quoting tricks.
  const name = `agentcraft_test_${randomBytes(8).toString('hex')}`;
  await runAsAdmin(admin, `create database "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await runAsAdmin(admin, `drop database if exists "${name}" with (force)`);
    },
  };
}
