/**
 * Knowledge-base queries: document upserts with chunk replacement, and PostgreSQL full-text search (English
 * stemming, weighted title > heading > text, OR semantics, ranked by cover density).
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { FailureType } from '../../domain/failure-types.js';
import type { Database } from './database.js';
import { toKnowledgeHit, toNumber } from './row-mappers.js';
import { toOrTsQuery } from './search-query.js';
import type { KnowledgeDocumentInput, KnowledgeHit } from './store.js';

/** Chunks per INSERT statement: 9 parameters each stays far below PostgreSQL's 65,535-parameter limit. */
const CHUNK_INSERT_BATCH = 500;
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
      .select(['tenant_id', 'content_hash'])
      .where('id', '=', input.id)
      .forUpdate()
      .executeTakeFirst();
    if (existing !== undefined && existing.tenant_id !== input.tenantId) {
      throw ApplicationFailure.nonRetryable(`Knowledge document ${input.id} belongs to another tenant`, FailureType.InvalidInput);
    }
    if (existing?.content_hash === input.contentHash) return 'unchanged';

    const document = {
      id: input.id,
      tenant_id: input.tenantId,
      source_id: input.sourceId,
      title: input.title,
      url: input.url,
      content_hash: input.contentHash,
      updated_at: input.updatedAt,
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
 * Full-text search over one tenant's chunks, best first. Any word of the query may match (OR); the score is
 * `ts_rank_cd` normalised to 0..1 (`rank / (rank + 1)`). The query text only ever travels as a parameter.
 */
export async function searchKnowledge(
  db: Kysely<Database>,
  input: { tenantId: string; query: string; limit: number },
): Promise<KnowledgeHit[]> {
  const tsQueryText = toOrTsQuery(input.query);
  const limit = Math.min(Math.floor(input.limit), MAX_SEARCH_LIMIT);
  if (tsQueryText === null || !(limit > 0)) return [];
  const tsQuery = sql`to_tsquery('english', cast(${tsQueryText} as text))`;
  const rows = await db
    .selectFrom('knowledge_chunks as chunk')
    .innerJoin('knowledge_documents as document', 'document.id', 'chunk.document_id')
    .select([
      'chunk.id',
      'chunk.document_id',
      'chunk.heading',
      'chunk.text',
      'document.title',
      'document.url',
      'document.updated_at',
      // Normalisation flag 32 divides the rank by itself + 1.
      sql<number | string>`ts_rank_cd(chunk.search_vector, ${tsQuery}, 32)`.as('score'),
    ])
    .where('chunk.tenant_id', '=', input.tenantId)
    .where(sql<boolean>`chunk.search_vector @@ ${tsQuery}`)
    .orderBy('score', 'desc')
    .orderBy('chunk.document_id')
    .orderBy('chunk.ordinal')
    .limit(limit)
    .execute();
  return rows.map(toKnowledgeHit);
}
