/**
 * Authentication: API keys for integrators (only a SHA-256 hash of each secret is kept), and an index for
 * reading the audit log newest first by action (key creation, rotation, revocation and logins join the
 * review decisions and agent edits already in `audit_log`).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    /** The public key id, the `<keyId>` of `ack_<keyId>_<secret>`. */
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    /** Hex SHA-256 of the 256-bit random secret. */
    .addColumn('secret_hash', 'text', (column) => column.notNull())
    .addColumn('roles', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('scopes', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_by', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('rotated_from_id', 'text', (column) => column.references('api_keys.id'))
    .execute();
  await db.schema.createIndex('api_keys_tenant_idx').on('api_keys').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('audit_log_tenant_action_idx').on('audit_log').columns(['tenant_id', 'action', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_tenant_action_idx').ifExists().execute();
  await db.schema.dropTable('api_keys').ifExists().execute();
}
