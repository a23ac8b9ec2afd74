/**
 * Human review in depth: escalations gain their tenant, team, question, evidence, assignee and SLA times;
 * an append-only audit log records who did what (review decisions, agent edits, …).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('escalations')
    .addColumn('tenant_id', 'text', (column) => column.notNull().defaultTo('default'))
    .addColumn('team', 'text')
    .addColumn('question', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('agents', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('evidence', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('assignee', 'text')
    .addColumn('remind_at', 'timestamptz')
    .addColumn('deadline_at', 'timestamptz')
    .addColumn('reminders', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('escalations_tenant_status_idx').on('escalations').columns(['tenant_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('actor', 'text', (column) => column.notNull())
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('subject_type', 'text', (column) => column.notNull())
    .addColumn('subject_id', 'text', (column) => column.notNull())
    .addColumn('details', 'jsonb', (column) => column.notNull().defaultTo(sql`'{}'::jsonb`))
    /** Makes a retried write of the same event a no-op (activities retry). */
    .addColumn('idempotency_key', 'text', (column) => column.unique())
    .addColumn('at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject_type', 'subject_id', 'at']).execute();
  await db.schema.createIndex('audit_log_tenant_at_idx').on('audit_log').columns(['tenant_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').ifExists().execute();
  await db.schema.dropIndex('escalations_tenant_status_idx').ifExists().execute();
  for (const column of ['tenant_id', 'team', 'question', 'agents', 'evidence', 'assignee', 'remind_at', 'deadline_at', 'reminders', 'note']) {
    await db.schema.alterTable('escalations').dropColumn(column).execute();
  }
}
