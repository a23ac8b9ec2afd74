/**
 * Knowledge-base queries: document upserts with chunk replacement, and PostgreSQL full-text search (English
 * stemming, weighted title > heading > text ({@link LEXICAL_RANK_WEIGHTS}), OR semantics, ranked by cover density).
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { FailureType } from '../../domain/failure-types.js';
import type { Database } from './database.js';
import { toKnowledgeHit, toNumber } from './row-mappers.js';
import { toOrTsQuery } from './search-query.js';
import type { KnowledgeDocumentInput, KnowledgeDocumentState, KnowledgeHit, KnowledgeSearchInput } from './store.js';

/** Chunks per INSERT statement: 9 parameters each stays far below PostgreSQL's 65,535-parameter limit. */
const CHUNK_INSERT_BATCH = 500;
/**
 * `ts_rank_cd` weights of the D (chunk text), C (unused), B (heading) and A (title) labels, in PostgreSQL's
 * order. PostgreSQL's default `{0.1,0.2,0.4,1.0}` lets a title word outweigh ten body words, so every chunk of
 * an article whose title matches outranks the one chunk whose text answers; body text at 0.3 (chosen on the dev
 * half of `npm run eval:retrieval`) keeps titles first among equals without drowning the body.
 */
export const LEXICAL_RANK_WEIGHTS = '{0.3,0.2,0.4,1.0}';
/** Most hits one search returns, whatever the caller asks for. */
export const MAX_SEARCH_LIMIT = 100;

/** The weighted tsvector of one chunk; the document title rides along so title words rank highest. */
function searchVectorOf(title: string, heading: string | null, text: string): RawBuilder<string> {
  return sql<string>`setweight(to_tsvector('english', cast(${title} as text)), 'A')
    || setweight(to_tsvector('english', coalesce(cast(${heading} as text), '')), 'B')
    || setweight(to_tsvector('english', cast(${text} as text)), 'D')`;
}

/**
 * Inserts the document, or replaces it and all its chunks in one transaction when its `contentHash` changed.
 * The document row is locked first, so concurrent upserts of one document serialize.
 */
export async function upsertKnowledgeDocument(
  db: Kysely<Database>,
  input: KnowledgeDocumentInput,
): Promise<'inserted' | 'updated' | 'unchanged'> {
  return db.transaction().execute(async (transaction) => {
    const existing = await transaction
      .selectFrom('knowledge_documents')
      .select(['tenant_id', 'content_hash', 'embedding_model'])
      .where('id', '=', input.id)
      .forUpdate()
      .executeTakeFirst();
    if (existing !== undefined && existing.tenant_id !== input.tenantId) {
      throw ApplicationFailure.nonRetryable(`Knowledge document ${input.id} belongs to another tenant`, FailureType.InvalidInput);
    }
    const sameModel = input.embeddingModel === undefined || input.embeddingModel === existing?.embedding_model;
    if (existing?.content_hash === input.contentHash && sameModel) return 'unchanged';

    const document = {
      id: input.id,
      tenant_id: input.tenantId,
      source_id: input.sourceId,
      title: input.title,
      url: input.url,
      content_hash: input.contentHash,
      updated_at: input.updatedAt,
      scopes: sql<string[]>`cast(${[...new Set(input.scopes ?? [])].sort()} as text[])`,
      // A lexical-only write of changed content leaves no matching vectors: forget the model, so indexing redoes them.
      embedding_model: input.embeddingModel ?? null,
    };
    await transaction
      .insertInto('knowledge_documents')
      .values(document)
      .onConflict((conflict) => conflict.column('id').doUpdateSet(document))
      .execute();
    await transaction.deleteFrom('knowledge_chunks').where('document_id', '=', input.id).execute();
    for (let start = 0; start < input.chunks.length; start += CHUNK_INSERT_BATCH) {
      const rows = input.chunks.slice(start, start + CHUNK_INSERT_BATCH).map((chunk) => ({
        id: chunk.id,
        document_id: input.id,
        tenant_id: input.tenantId,
        ordinal: chunk.ordinal,
        heading: chunk.heading,
        text: chunk.text,
        search_vector: searchVectorOf(input.title, chunk.heading, chunk.text),
      }));
      await transaction.insertInto('knowledge_chunks').values(rows).execute();
    }
    return existing === undefined ? 'inserted' : 'updated';
  });
}

/** How many documents the tenant's knowledge base holds. */
export async function countKnowledgeDocuments(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('knowledge_documents')
    .select((expression) => expression.fn.countAll<number | string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return toNumber(row.count);
}

/**
 * Full-text search over one tenant's chunks, best first, optionally only documents carrying one of `scopes` or
 * belonging to one of `sourceIds` (an empty list matches nothing). Any word of the query may match (OR); the
 * score is `ts_rank_cd` normalised to 0..1 (`rank / (rank + 1)`). The query text only ever travels as a parameter.
 */
export async function searchKnowledge(db: Kysely<Database>, input: KnowledgeSearchInput): Promise<KnowledgeHit[]> {
  const tsQueryText = toOrTsQuery(input.query);
  const limit = Math.min(Math.floor(input.limit), MAX_SEARCH_LIMIT);
  if (tsQueryText === null || !(limit > 0)) return [];
  if (input.scopes?.length === 0 || input.sourceIds?.length === 0) return [];
  const tsQuery = sql`to_tsquery('english', cast(${tsQueryText} as text))`;
  let query = db
    .selectFrom('knowledge_chunks as chunk')
    .innerJoin('knowledge_documents as document', 'document.id', 'chunk.document_id')
    .select([
      'chunk.id',
      'chunk.document_id',
      'document.source_id',
      'chunk.heading',
      'chunk.text',
      'document.title',
      'document.url',
      'document.updated_at',
      // Normalisation flag 32 divides the rank by itself + 1.
      sql<number | string>`ts_rank_cd(cast(${LEXICAL_RANK_WEIGHTS} as float4[]), chunk.search_vector, ${tsQuery}, 32)`.as('score'),
    ])
    .where('chunk.tenant_id', '=', input.tenantId)
    .where('document.tenant_id', '=', input.tenantId)
    .where(sql<boolean>`chunk.search_vector @@ ${tsQuery}`);
  if (input.scopes !== undefined) query = query.where(sql<boolean>`document.scopes && cast(${input.scopes} as text[])`);
  if (input.sourceIds !== undefined) query = query.where('document.source_id', 'in', input.sourceIds);
  const rows = await query.orderBy('score', 'desc').orderBy('chunk.document_id').orderBy('chunk.ordinal').limit(limit).execute();
  return rows.map(toKnowledgeHit);
}

/** The stored state of one document, looked up by id alone (ids are global; the caller checks the tenant). */
export async function getKnowledgeDocumentState(db: Kysely<Database>, documentId: string): Promise<KnowledgeDocumentState | null> {
  const row = await db
    .selectFrom('knowledge_documents as document')
    .select(['document.tenant_id', 'document.content_hash', 'document.embedding_model'])
    .select((expression) =>
      expression.selectFrom('knowledge_chunks').whereRef('knowledge_chunks.document_id', '=', 'document.id').select((count) => count.fn.countAll<number | string>().as('count')).as('chunk_count'),
    )
    .where('document.id', '=', documentId)
    .executeTakeFirst();
  if (row === undefined) return null;
  return { tenantId: row.tenant_id, contentHash: row.content_hash, embeddingModel: row.embedding_model, chunkCount: toNumber(row.chunk_count ?? 0) };
}

/** Deletes the tenant's documents among `documentIds` (chunks follow by cascade); other tenants' ids are ignored. */
export async function deleteKnowledgeDocuments(db: Kysely<Database>, input: { tenantId: string; documentIds: string[] }): Promise<number> {
  if (input.documentIds.length === 0) return 0;
  const result = await db
    .deleteFrom('knowledge_documents')
    .where('tenant_id', '=', input.tenantId)
    .where('id', 'in', input.documentIds)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
