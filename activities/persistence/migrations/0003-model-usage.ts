/**
 * Model usage: one row per router attempt (the LLM router's spend ledger). A row starts `reserved` with the
 * price estimate the budgets were checked against and becomes `recorded` with the provider-reported usage and
 * cost. The key is the call id (unique per Temporal attempt) plus the router's attempt index, so recording an
 * attempt twice bills it once. Totals are read per tenant and UTC day, conversation, turn, agent and model.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('model_usage')
    .addColumn('call_id', 'text', (column) => column.notNull())
    .addColumn('attempt_index', 'integer', (column) => column.notNull())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('conversation_id', 'text', (column) => column.notNull())
    .addColumn('turn_id', 'text', (column) => column.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('purpose', 'text', (column) => column.notNull())
    .addColumn('provider', 'text', (column) => column.notNull())
    .addColumn('model_id', 'text', (column) => column.notNull())
    // `YYYY-MM-DD` in UTC as text: a `date` column would come back as a local-midnight `Date` from pg.
    .addColumn('usage_day', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('outcome', 'text')
    .addColumn('estimate_usd', 'double precision', (column) => column.notNull())
    .addColumn('cost_usd', 'double precision', (column) => column.notNull().defaultTo(0))
    .addColumn('input_tokens', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('output_tokens', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('latency_ms', 'double precision')
    .addColumn('reserved_at', 'timestamptz', (column) => column.notNull())
    .addColumn('settled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('model_usage_pkey', ['call_id', 'attempt_index'])
    .addCheckConstraint('model_usage_status_check', sql`status in ('reserved', 'recorded')`)
    .execute();
  await db.schema.createIndex('model_usage_tenant_day_idx').on('model_usage').columns(['tenant_id', 'usage_day']).execute();
  await db.schema.createIndex('model_usage_conversation_idx').on('model_usage').columns(['conversation_id']).execute();
  await db.schema.createIndex('model_usage_turn_idx').on('model_usage').columns(['turn_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('model_usage').execute();
}
