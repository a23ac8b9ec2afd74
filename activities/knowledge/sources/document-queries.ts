/**
 * Documents of sources: the listing the API shows, and the per-document sync state the ingestion workflow
 * keeps (which sync last saw a document, when its content last changed, how often it was embedded).
 */
import { sql } from 'kysely';
import type { KnowledgeDocumentView } from '../../../domain/knowledge.js';
import { iso, type SourceDatabase } from './source-tables.js';

function documentsOf(db: SourceDatabase, input: { tenantId: string; sourceId?: string }) {
  let query = db.selectFrom('knowledge_documents as document').where('document.tenant_id', '=', input.tenantId);
  if (input.sourceId !== undefined) query = query.where('document.source_id', '=', input.sourceId);
  return query;
}

/** One page of a tenant's documents (optionally of one source), most recently updated first. */
export async function listDocuments(
  db: SourceDatabase,
  input: { tenantId: string; sourceId?: string; limit: number; offset: number },
): Promise<{ documents: KnowledgeDocumentView[]; total: number }> {
  const [rows, total] = await Promise.all([
    documentsOf(db, input)
      .select(['document.id', 'document.source_id', 'document.title', 'document.url', 'document.content_hash', 'document.updated_at'])
      .select(sql<number | string>`(select count(*) from knowledge_chunks c where c.document_id = document.id)`.as('chunk_count'))
      .orderBy('document.updated_at', 'desc')
      .orderBy('document.id')
      .limit(input.limit)
      .offset(input.offset)
      .execute(),
    documentsOf(db, input).select((expression) => expression.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(total.count),
    documents: rows.map((row) => ({
      id: row.id,
      sourceId: row.source_id,
      title: row.title,
      url: row.url,
      contentHash: row.content_hash,
      chunkCount: Number(row.chunk_count),
      updatedAt: iso(row.updated_at),
    })),
  };
}

/** The tenant's document, or null. */
export async function getDocument(db: SourceDatabase, tenantId: string, documentId: string): Promise<{ id: string; sourceId: string } | null> {
  const row = await documentsOf(db, { tenantId }).select(['document.id', 'document.source_id']).where('document.id', '=', documentId).executeTakeFirst();
  return row === undefined ? null : { id: row.id, sourceId: row.source_id };
}

/** Ids of every document of a source. */
export async function documentIdsOfSource(db: SourceDatabase, tenantId: string, sourceId: string): Promise<string[]> {
  const rows = await documentsOf(db, { tenantId, sourceId }).select('document.id').execute();
  return rows.map((row) => row.id);
}

/** Notes that `syncId` saw these documents (so the end of the sync keeps them). */
export async function markSeen(db: SourceDatabase, input: { tenantId: string; sourceId: string; syncId: string; documents: { id: string; url: string | null }[] }): Promise<void> {
  if (input.documents.length === 0) return;
  await db
    .insertInto('knowledge_source_documents')
    .values(input.documents.map((document) => ({ source_id: input.sourceId, document_id: document.id, tenant_id: input.tenantId, url: document.url, last_seen_sync: input.syncId })))
    .onConflict((conflict) => conflict.columns(['source_id', 'document_id']).doUpdateSet({ last_seen_sync: input.syncId, url: sql<string | null>`excluded.url` }))
    .execute();
}

/** Forgets that this sync saw a document (it redirected elsewhere, or is gone): the end of the sync deletes it. */
export async function unmarkSeen(db: SourceDatabase, input: { sourceId: string; documentId: string }): Promise<void> {
  await db.updateTable('knowledge_source_documents').set({ last_seen_sync: null }).where('source_id', '=', input.sourceId).where('document_id', '=', input.documentId).execute();
}

/** Records one ingestion of a document; `embedded` when its chunks were (re-)embedded this time. */
export async function recordIngested(
  db: SourceDatabase,
  input: { tenantId: string; sourceId: string; syncId: string | null; documentId: string; url: string | null; contentHash: string; embedded: boolean },
): Promise<void> {
  const embedded = input.embedded ? 1 : 0;
  await db
    .insertInto('knowledge_source_documents')
    .values({
      source_id: input.sourceId,
      document_id: input.documentId,
      tenant_id: input.tenantId,
      url: input.url,
      last_seen_sync: input.syncId,
      content_hash: input.contentHash,
      fetched_at: sql<Date>`now()`,
      indexed_at: input.embedded ? sql<Date>`now()` : null,
      embed_count: embedded,
    })
    .onConflict((conflict) =>
      conflict.columns(['source_id', 'document_id']).doUpdateSet({
        last_seen_sync: sql<string | null>`coalesce(excluded.last_seen_sync, knowledge_source_documents.last_seen_sync)`,
        url: sql<string | null>`excluded.url`,
        content_hash: input.contentHash,
        fetched_at: sql<Date>`now()`,
        indexed_at: sql<Date | null>`coalesce(excluded.indexed_at, knowledge_source_documents.indexed_at)`,
        embed_count: sql<number>`knowledge_source_documents.embed_count + ${embedded}`,
      }),
    )
    .execute();
}

/** Documents of the source that this sync did not see (they disappeared from the source). */
export async function unseenDocumentIds(db: SourceDatabase, input: { tenantId: string; sourceId: string; syncId: string }): Promise<string[]> {
  const rows = await documentsOf(db, input)
    .select('document.id')
    .where((expression) =>
      expression.not(
        expression.exists(
          expression
            .selectFrom('knowledge_source_documents as state')
            .select('state.document_id')
            .whereRef('state.document_id', '=', 'document.id')
            .where('state.source_id', '=', input.sourceId)
            .where('state.last_seen_sync', '=', input.syncId),
        ),
      ),
    )
    .execute();
  return rows.map((row) => row.id);
}

/** Drops the sync state of deleted documents. */
export async function forgetDocuments(db: SourceDatabase, input: { sourceId: string; documentIds: string[] }): Promise<void> {
  if (input.documentIds.length === 0) return;
  await db.deleteFrom('knowledge_source_documents').where('source_id', '=', input.sourceId).where('document_id', 'in', input.documentIds).execute();
}

/** Per-document sync state of a source (tests and operators: embed counts, indexing times). */
export async function documentSyncState(db: SourceDatabase, sourceId: string): Promise<{ documentId: string; url: string | null; embedCount: number; indexedAt: string | null }[]> {
  const rows = await db.selectFrom('knowledge_source_documents').select(['document_id', 'url', 'embed_count', 'indexed_at']).where('source_id', '=', sourceId).orderBy('document_id').execute();
  return rows.map((row) => ({ documentId: row.document_id, url: row.url, embedCount: row.embed_count, indexedAt: row.indexed_at === null ? null : iso(row.indexed_at) }));
}
