/**
 * Initial schema: conversations, messages, turns and their stage timings, the knowledge base with its
 * full-text index, and escalations. Plain PostgreSQL that PGlite runs unchanged.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const emptyJsonArray = sql`'[]'::jsonb`;

async function createConversationTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('active'))
    .addColumn('metadata', 'jsonb', (column) => column.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('conversations_tenant_customer_idx').on('conversations').columns(['tenant_id', 'customer_id']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('turn_id', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('content', 'text', (column) => column.notNull())
    .addColumn('citations', 'jsonb', (column) => column.notNull().defaultTo(emptyJsonArray))
    .addColumn('confidence', 'double precision')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('messages_conversation_created_idx').on('messages').columns(['conversation_id', 'created_at']).execute();
}

async function createTurnTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('turns')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('turn_number', 'integer', (column) => column.notNull())
    .addColumn('workflow_id', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('running'))
    .addColumn('route', 'jsonb')
    .addColumn('retrieval', 'jsonb', (column) => column.notNull().defaultTo(emptyJsonArray))
    .addColumn('retrieval_hits', 'jsonb', (column) => column.notNull().defaultTo(emptyJsonArray))
    .addColumn('agents', 'jsonb', (column) => column.notNull().defaultTo(emptyJsonArray))
    .addColumn('llm_calls', 'jsonb', (column) => column.notNull().defaultTo(emptyJsonArray))
    .addColumn('qa', 'jsonb', (column) => column.notNull().defaultTo(emptyJsonArray))
    .addColumn('escalated', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('escalation_id', 'text')
    .addColumn('confidence', 'double precision')
    .addColumn('cost_usd', 'double precision', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    // Also the "turns of a conversation" index.
    .addUniqueConstraint('turns_conversation_turn_number_key', ['conversation_id', 'turn_number'])
    .execute();

  await db.schema
    .createTable('turn_stages')
    .addColumn('turn_id', 'text', (column) => column.notNull().references('turns.id').onDelete('cascade'))
    .addColumn('stage', 'text', (column) => column.notNull())
    .addColumn('started_at', 'timestamptz', (column) => column.notNull())
    .addColumn('finished_at', 'timestamptz', (column) => column.notNull())
    .addColumn('duration_ms', 'double precision', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('turn_stages_pkey', ['turn_id', 'stage'])
    .execute();
}

async function createKnowledgeTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('knowledge_documents')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('source_id', 'text', (column) => column.notNull())
    .addColumn('title', 'text', (column) => column.notNull())
    .addColumn('url', 'text')
    .addColumn('content_hash', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('knowledge_documents_tenant_source_idx').on('knowledge_documents').columns(['tenant_id', 'source_id']).execute();

  await db.schema
    .createTable('knowledge_chunks')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('document_id', 'text', (column) => column.notNull().references('knowledge_documents.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('ordinal', 'integer', (column) => column.notNull())
    .addColumn('heading', 'text')
    .addColumn('text', 'text', (column) => column.notNull())
    .addColumn('search_vector', sql`tsvector`, (column) => column.notNull())
    .execute();
  await db.schema.createIndex('knowledge_chunks_document_idx').on('knowledge_chunks').columns(['document_id', 'ordinal']).execute();
  await db.schema.createIndex('knowledge_chunks_search_idx').on('knowledge_chunks').using('gin').column('search_vector').execute();
}

async function createEscalationTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('escalations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('turn_id', 'text', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('draft_answer', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('pending'))
    .addColumn('reviewer', 'text')
    .addColumn('final_answer', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('escalations_status_created_idx').on('escalations').columns(['status', 'created_at']).execute();
}

/** Creates every table and index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createConversationTables(db);
  await createTurnTables(db);
  await createKnowledgeTables(db);
  await createEscalationTable(db);
}

/** Drops everything `up` created, dependants first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['escalations', 'knowledge_chunks', 'knowledge_documents', 'turn_stages', 'turns', 'messages', 'conversations']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
