/**
 * Routing models per tenant: every trained classifier version (content hash) with its training counts and
 * the model JSON; at most one row per tenant is current (what the route stage uses).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('routing_models')
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('version', 'text', (column) => column.notNull())
    .addColumn('trained_at', 'timestamptz', (column) => column.notNull())
    .addColumn('example_count', 'integer', (column) => column.notNull())
    .addColumn('confirmed_count', 'integer', (column) => column.notNull())
    .addColumn('model', 'jsonb', (column) => column.notNull())
    .addColumn('is_current', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('routing_models_pkey', ['tenant_id', 'version'])
    .execute();
  // At most one current model per tenant.
  await db.schema.createIndex('routing_models_current_idx').on('routing_models').column('tenant_id').unique().where(sql.ref('is_current'), '=', true).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('routing_models').ifExists().execute();
}
