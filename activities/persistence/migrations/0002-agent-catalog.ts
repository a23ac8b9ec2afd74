/**
 * The versioned agent catalog and per-agent run metrics. An agent's configuration is immutable per version:
 * an edit inserts version n+1 and moves `agents.current_version`; turns keep the version they routed with.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('team', 'text', (column) => column.notNull())
    .addColumn('current_version', 'integer', (column) => column.notNull())
    .addColumn('enabled', 'boolean', (column) => column.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('agent_versions')
    .addColumn('agent_id', 'text', (column) => column.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('definition', 'jsonb', (column) => column.notNull())
    .addColumn('content_hash', 'text', (column) => column.notNull())
    /** `seed` for versions loaded from the repository file, else the editor's id. */
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('agent_versions_pkey', ['agent_id', 'version'])
    .execute();

  await db.schema
    .createTable('agent_runs')
    .addColumn('turn_id', 'text', (column) => column.notNull())
    .addColumn('agent_id', 'text', (column) => column.notNull())
    .addColumn('round', 'integer', (column) => column.notNull())
    .addColumn('conversation_id', 'text', (column) => column.notNull())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('agent_version', 'integer')
    .addColumn('outcome', 'text', (column) => column.notNull())
    .addColumn('latency_ms', 'double precision', (column) => column.notNull())
    .addColumn('input_tokens', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('output_tokens', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('cost_usd', 'double precision', (column) => column.notNull().defaultTo(0))
    .addColumn('confidence', 'double precision')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('agent_runs_pkey', ['turn_id', 'agent_id', 'round'])
    .execute();
  await db.schema.createIndex('agent_runs_agent_created_idx').on('agent_runs').columns(['agent_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['agent_runs', 'agent_versions', 'agents']) await db.schema.dropTable(table).ifExists().execute();
}
