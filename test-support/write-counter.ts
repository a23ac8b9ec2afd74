/**
 * Counts what a request could have written: rows of every table of a PostgreSQL database, and successful
 * mutating Temporal client calls (starts, updates, signals, terminations, cancellations, schedule creations)
 * through a client interceptor. The fuzz test compares both before and after each rejected request.
 */
import { Client, type ScheduleClientInterceptor, type WorkflowClientInterceptor } from '@temporalio/client';
import pg from 'pg';

const MUTATING = ['start', 'startWithDetails', 'startUpdate', 'startUpdateWithStart', 'signal', 'signalWithStart', 'terminate', 'cancel'] as const;

export interface TemporalWriteCounter {
  /** Successful mutating calls so far. */
  readonly count: number;
  interceptors: { workflow: WorkflowClientInterceptor[]; schedule: ScheduleClientInterceptor[] };
}

export function temporalWriteCounter(): TemporalWriteCounter {
  let count = 0;
  const counted = <T>(promise: Promise<T>): Promise<T> =>
    promise.then((value) => {
      count += 1;
      return value;
    });
  const workflow: Record<string, unknown> = {};
  for (const method of MUTATING) workflow[method] = (input: unknown, next: (input: unknown) => Promise<unknown>) => counted(next(input));
  return {
    get count() {
      return count;
    },
    interceptors: { workflow: [workflow], schedule: [{ create: (input, next) => counted(next(input)) }] },
  };
}

export interface RowCounter {
  /** `table → rows` for every table of the public schema (migration bookkeeping excluded). */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function rowCounter(databaseUrl: string): Promise<RowCounter> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const tables = (await client.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by 1`)).rows.map((row) => row.name);
  // Table names come from the catalog; quoted as identifiers all the same.
  const query = `select ${tables.map((table) => `(select count(*) from "${table.replaceAll('"', '""')}")::int as "${table.replaceAll('"', '""')}"`).join(', ')}`;
  return {
    async counts() {
      return (await client.query<Record<string, number>>(query)).rows[0] ?? {};
    },
    close: () => client.end(),
  };
}

/** A client on the same connection and namespace with the counter's interceptors (no payload codec). */
export function countingClient(client: Client, counter: TemporalWriteCounter): Client {
  return new Client({ connection: client.connection, namespace: client.options.namespace, interceptors: counter.interceptors });
}
