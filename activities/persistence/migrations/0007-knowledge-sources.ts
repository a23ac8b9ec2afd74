/**
 * Knowledge sources and their ingestion state: `knowledge_sources` (what to ingest, how often, and how the
 * last sync went), `knowledge_uploads` (uploaded file bodies as bytea, so workflows pass ids rather than
 * files) and `knowledge_source_documents` (per-document sync state: the sync that last saw it, when its
 * content last changed, how often it was embedded — change detection and crash-safe deletion of documents
 * that disappeared from a source).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

async function createSources(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('knowledge_sources')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('settings', 'jsonb', (column) => column.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('scopes', sql`text[]`, (column) => column.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('sync_interval_seconds', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('idle'))
    .addColumn('sync_id', 'text')
    .addColumn('last_sync_started_at', 'timestamptz')
    .addColumn('last_synced_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('last_sync_stats', 'jsonb')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('knowledge_sources_tenant_created_idx').on('knowledge_sources').columns(['tenant_id', 'created_at']).execute();
}

async function createUploads(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('knowledge_uploads')
    // Also the id of the document it becomes.
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('source_id', 'text', (column) => column.notNull().references('knowledge_sources.id').onDelete('cascade'))
    .addColumn('filename', 'text', (column) => column.notNull())
    .addColumn('media_type', 'text', (column) => column.notNull())
    .addColumn('title', 'text')
    .addColumn('size_bytes', 'integer', (column) => column.notNull())
    .addColumn('body', 'bytea', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('pending'))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('indexed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('knowledge_uploads_source_status_idx').on('knowledge_uploads').columns(['source_id', 'status']).execute();
}

async function createDocumentSyncState(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('knowledge_source_documents')
    .addColumn('source_id', 'text', (column) => column.notNull().references('knowledge_sources.id').onDelete('cascade'))
    .addColumn('document_id', 'text', (column) => column.notNull())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('url', 'text')
    .addColumn('last_seen_sync', 'text')
    .addColumn('content_hash', 'text')
    .addColumn('fetched_at', 'timestamptz')
    .addColumn('indexed_at', 'timestamptz')
    .addColumn('embed_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('knowledge_source_documents_pkey', ['source_id', 'document_id'])
    .execute();
  await db.schema.createIndex('knowledge_source_documents_sync_idx').on('knowledge_source_documents').columns(['source_id', 'last_seen_sync']).execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await createSources(db);
  await createUploads(db);
  await createDocumentSyncState(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['knowledge_source_documents', 'knowledge_uploads', 'knowledge_sources']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
