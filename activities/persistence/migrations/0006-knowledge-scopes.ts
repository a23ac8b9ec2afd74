/**
 * Knowledge scopes and vector bookkeeping on documents: `scopes text[]` (agent knowledge scopes such as
 * `knowledge:billing`, GIN-indexed so `scopes && $1` filters stay cheap), and `embedding_model`, the model
 * its vectors were made with (null: indexed for lexical search only), so switching models re-embeds.
 * A `(tenant_id, source_id)` index on chunks is not needed: the search joins documents, which have one.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('knowledge_documents')
    .addColumn('scopes', sql`text[]`, (column) => column.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await db.schema.alterTable('knowledge_documents').addColumn('embedding_model', 'text').execute();
  await db.schema.createIndex('knowledge_documents_scopes_idx').on('knowledge_documents').using('gin').column('scopes').execute();
  await db.schema.createIndex('knowledge_chunks_tenant_idx').on('knowledge_chunks').columns(['tenant_id', 'document_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('knowledge_chunks_tenant_idx').ifExists().execute();
  await db.schema.dropIndex('knowledge_documents_scopes_idx').ifExists().execute();
  await db.schema.alterTable('knowledge_documents').dropColumn('embedding_model').execute();
  await db.schema.alterTable('knowledge_documents').dropColumn('scopes').execute();
}
