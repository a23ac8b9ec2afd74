/**
 * Knowledge-base queries: document upserts with chunk replacement, and lexical search over PostgreSQL full text
 * (English stemming, OR semantics) ranked by BM25 with per-field weights ({@link BM25}). The corpus statistics BM25
 * needs (document frequency per lexeme, chunk count and length per tenant) are kept exact by triggers (migration
 * 0010), so a search reads them by primary key instead of scanning the tenant's chunks.
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { FailureType } from '../../domain/failure-types.js';
import type { Database } from './database.js';
import { toIsoString, toKnowledgeHit, toNumber, type KnowledgeHitRow } from './row-mappers.js';
import { queryWords } from './search-query.js';
import type { KnowledgeDocumentInput, KnowledgeDocumentState, KnowledgeHit, KnowledgeSearchInput, StoredKnowledgeDocument } from './store.js';

/** Chunks per INSERT statement: 9 parameters each stays far below PostgreSQL's 65,535-parameter limit. */
const CHUNK_INSERT_BATCH = 500;
/**
 * BM25 settings of lexical search: the textbook `k1` 1.2 and `b` 0.75, and BM25F-style field weights (a term's
 * occurrences are weighted by field, summed, then saturated). The chunk's heading (tsvector label B) is the
 * chunk's own title and counts 3 times; the document title (A) is repeated in every chunk of its document, so it
 * tells documents apart but not their chunks, and counts once, like the chunk text (D). The weights were chosen
 * on the dev half of `npm run eval:retrieval` among title/heading pairs 3/2, 2/2, 1/1, 1/2 and 1/3; k1 and b were
 * not tuned (see `bench/results/retrieval-eval.json`).
 */
export const BM25 = { k1: 1.2, b: 0.75, fieldWeights: { title: 1, heading: 3, text: 1 } } as const;
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
 * belonging to one of `sourceIds` (an empty list matches nothing). Any word of the query may match (OR); chunks
 * are ranked by BM25 over the tenant's whole knowledge base ({@link BM25}), and the score is the BM25 sum
 * normalised to 0..1 (`bm25 / (bm25 + 1)`). The query text only ever travels as a parameter. `exactBudget`
 * ({@link BM25_EXACT_BUDGET} by default) is there for `bench:lexical`, which measures the bounded candidate set
 * against exact scoring (`Infinity`).
 */
export async function searchKnowledge(db: Kysely<Database>, input: KnowledgeSearchInput, options: { exactBudget?: number } = {}): Promise<KnowledgeHit[]> {
  const words = queryWords(input.query);
  const limit = Math.min(Math.floor(input.limit), MAX_SEARCH_LIMIT);
  if (words.length === 0 || !(limit > 0)) return [];
  if (input.scopes?.length === 0 || input.sourceIds?.length === 0) return [];
  const terms = await queryTermWeights(db, input.tenantId, words.join(' '));
  if (terms.lexemes.length === 0) return [];
  // The lexemes are matched as a tsquery of quoted terms: they are already stemmed and must not be parsed again.
  const tsQueryOf = (selected: string[]): RawBuilder<unknown> => sql`cast(${selected.map(quoteLexeme).join(' | ')} as tsquery)`;
  const tsQuery = tsQueryOf(terms.lexemes);
  const { k1, b, fieldWeights } = BM25;
  const lexemes = sql`cast(${terms.lexemes} as text[])`;
  // A term's weighted frequency in a chunk: its occurrences, with those in the heading (label B) and the title
  // (A) counted by their field weight. Lexemes of a tsvector are distinct, so each (chunk, lexeme) is one row.
  const termFrequency = sql`(cardinality(term.positions)
    + cast(${fieldWeights.heading - fieldWeights.text} as float8) * cardinality(array_positions(term.weights, 'B'))
    + cast(${fieldWeights.title - fieldWeights.text} as float8) * cardinality(array_positions(term.weights, 'A')))`;
  const documentFilter = sql.join(
    [
      sql`chunk.tenant_id = ${input.tenantId}`,
      sql`document.tenant_id = ${input.tenantId}`,
      ...(input.scopes === undefined ? [] : [sql`document.scopes && cast(${input.scopes} as text[])`]),
      ...(input.sourceIds === undefined ? [] : [sql`document.source_id in (${sql.join(input.sourceIds)})`]),
    ],
    sql` and `,
  );
  const candidates = candidatePlan(terms, limit, options.exactBudget ?? BM25_EXACT_BUDGET);
  const matchingChunks = (query: RawBuilder<unknown>) =>
    sql`select chunk.id from knowledge_chunks chunk join knowledge_documents document on document.id = chunk.document_id
      where ${documentFilter} and chunk.search_vector @@ ${query}`;
  // The densest chunks among those matching `query`, by PostgreSQL's cover density for the whole query.
  const densest = (query: RawBuilder<unknown>) => sql`(${matchingChunks(query)} order by ts_rank_cd(chunk.search_vector, ${tsQuery}) desc, chunk.id limit ${candidates.densestCandidates})`;
  const andQueryOf = (selected: string[]): RawBuilder<unknown> => sql`cast(${selected.map(quoteLexeme).join(' & ')} as tsquery)`;
  const branches = [
    ...(candidates.rareLexemes.length === 0 ? [] : [sql`(${matchingChunks(tsQueryOf(candidates.rareLexemes))})`]),
    ...(candidates.densestCandidates === 0 ? [] : candidates.coordination === null ? [densest(tsQuery)] : candidates.coordination.map((subset) => densest(andQueryOf(subset)))),
  ];
  const candidateIds = sql.join(branches, sql` union `);
  const { rows } = await sql<KnowledgeHitRow>`
    with candidate as (${candidateIds}),
    matching as (
      select chunk.id, chunk.search_vector, length(chunk.search_vector) as length
      from candidate join knowledge_chunks chunk on chunk.id = candidate.id
    ),
    scored as (
      select matching.id, sum(
        (cast(${terms.idfs} as float8[]))[array_position(${lexemes}, term.lexeme)] * ${termFrequency} * cast(${k1 + 1} as float8)
        / (${termFrequency} + cast(${k1} as float8) * (1 - cast(${b} as float8) + cast(${b} as float8) * matching.length / cast(${terms.averageLength} as float8)))
      ) as bm25
      from matching cross join lateral unnest(matching.search_vector) as term
      where term.lexeme = any(${lexemes})
      group by matching.id
    )
    select chunk.id, chunk.document_id, document.source_id, chunk.heading, chunk.text, document.title, document.url, document.updated_at,
      scored.bm25 / (scored.bm25 + 1) as score
    from scored
    join knowledge_chunks chunk on chunk.id = scored.id
    join knowledge_documents document on document.id = chunk.document_id
    order by scored.bm25 desc, chunk.document_id, chunk.ordinal
    limit ${limit}`.execute(db);
  return rows.map(toKnowledgeHit);
}

/** The query's distinct lexemes (English-stemmed, stopwords out) with their BM25 IDF, and the average chunk length. */
interface QueryTermWeights {
  lexemes: string[];
  idfs: number[];
  /** Chunks holding each lexeme (same order). */
  chunkCounts: number[];
  averageLength: number;
}

/**
 * One primary-key lookup per query lexeme in the trigger-kept statistics. IDF is Lucene's
 * `ln(1 + (N - df + 0.5) / (df + 0.5))`, always positive; a lexeme no chunk has gets the highest IDF but
 * matches nothing anyway.
 */
async function queryTermWeights(db: Kysely<Database>, tenantId: string, text: string): Promise<QueryTermWeights> {
  const { rows } = await sql<{ lexeme: string; df: number | string | null; chunks: number | string | null; total_length: number | string | null }>`
    select term.lexeme, term_stats.chunk_count as df, tenant_stats.chunk_count as chunks, tenant_stats.total_length
    from unnest(to_tsvector('english', cast(${text} as text))) as term
    left join knowledge_term_stats term_stats on term_stats.tenant_id = ${tenantId} and term_stats.lexeme = term.lexeme
    left join knowledge_tenant_stats tenant_stats on tenant_stats.tenant_id = ${tenantId}
    order by term.lexeme`.execute(db);
  const chunks = toNumber(rows[0]?.chunks ?? 0);
  const averageLength = chunks > 0 ? Math.max(1, toNumber(rows[0]?.total_length ?? 0) / chunks) : 1;
  const chunkCounts = rows.map((row) => Math.min(chunks, toNumber(row.df ?? 0)));
  return {
    lexemes: rows.map((row) => row.lexeme),
    idfs: chunkCounts.map((df) => Math.log(1 + (chunks - df + 0.5) / (df + 0.5))),
    chunkCounts,
    averageLength,
  };
}

/** A lexeme as a tsquery operand: single-quoted, quotes and backslashes escaped (it never reaches SQL text). */
function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * Chunks scored exactly by BM25, at most: a query whose terms occur in more chunks than this together is
 * scored on a bounded candidate set instead (see {@link candidatePlan}).
 */
export const BM25_EXACT_BUDGET = 1000;

/** Common terms whose co-occurrence picks the candidates of a query past the budget (see {@link candidatePlan}). */
export const COORDINATION_TERMS = 4;

/** Which chunks BM25 scores for a query (see {@link candidatePlan}). */
interface CandidatePlan {
  /** Every chunk holding one of these is scored. */
  rareLexemes: string[];
  /** How many of the densest chunks each densest branch adds (0: none, the scoring is exact). */
  densestCandidates: number;
  /** Term sets whose chunks holding them all give the densest branches; null: one branch over any term. */
  coordination: string[][] | null;
}

/**
 * Which chunks BM25 scores. When the query's terms occur in at most {@link BM25_EXACT_BUDGET} chunks together,
 * all of them (exact). Otherwise the union of (a) every chunk holding one of the rarest terms — taken by
 * descending IDF while their chunk counts fit the budget — which is where BM25's best scores come from, and
 * (b) the densest chunks by PostgreSQL's cover density (`ts_rank_cd`) among the chunks that hold several of the
 * common terms: all of the {@link COORDINATION_TERMS} rarest common terms, or all of them but one (one branch per
 * set). Those sets are index intersections, usually far smaller than the chunks holding any of the terms, whose
 * ranking is linear in the tenant's size (seconds at 100k chunks). With one or two common terms
 * there is nothing to intersect, and (b) ranks the chunks holding any term. `bench:lexical` measures the
 * candidates' recall against exact scoring.
 */
function candidatePlan(terms: QueryTermWeights, limit: number, budget: number): CandidatePlan {
  const total = terms.chunkCounts.reduce((sum, count) => sum + count, 0);
  if (total <= budget) return { rareLexemes: terms.lexemes, densestCandidates: 0, coordination: null };
  const byRarity = terms.lexemes.map((lexeme, index) => ({ lexeme, count: terms.chunkCounts[index] ?? 0 })).sort((left, right) => left.count - right.count || left.lexeme.localeCompare(right.lexeme));
  const rareLexemes: string[] = [];
  let used = 0;
  for (const { lexeme, count } of byRarity) {
    if (used + count > budget) break;
    rareLexemes.push(lexeme);
    used += count;
  }
  const common = byRarity.slice(rareLexemes.length, rareLexemes.length + COORDINATION_TERMS).map((entry) => entry.lexeme);
  const coordination = common.length < 3 ? null : [common, ...common.map((_, skipped) => common.filter((__, index) => index !== skipped))];
  return { rareLexemes, densestCandidates: Math.max(200, limit * 5), coordination };
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

/** Ids of documents (any tenant) whose vectors were not made with `embeddingModel` (or never made), by id. */
export async function listKnowledgeDocumentsToEmbed(db: Kysely<Database>, input: { embeddingModel: string; limit: number; afterId?: string }): Promise<string[]> {
  let query = db
    .selectFrom('knowledge_documents')
    .select('id')
    .where(sql<boolean>`embedding_model is distinct from ${input.embeddingModel}`);
  if (input.afterId !== undefined) query = query.where('id', '>', input.afterId);
  const rows = await query.orderBy('id').limit(Math.max(0, Math.floor(input.limit))).execute();
  return rows.map((row) => row.id);
}

/** How many documents (any tenant) still need vectors from `embeddingModel`. */
export async function countKnowledgeDocumentsToEmbed(db: Kysely<Database>, embeddingModel: string): Promise<number> {
  const row = await db
    .selectFrom('knowledge_documents')
    .select((expression) => expression.fn.countAll<number | string>().as('count'))
    .where(sql<boolean>`embedding_model is distinct from ${embeddingModel}`)
    .executeTakeFirstOrThrow();
  return toNumber(row.count);
}

/** One stored document with its chunks in order, read in one statement (a consistent snapshot), or `null`. */
export async function getKnowledgeDocumentWithChunks(db: Kysely<Database>, documentId: string): Promise<StoredKnowledgeDocument | null> {
  const rows = await db
    .selectFrom('knowledge_documents as document')
    .leftJoin('knowledge_chunks as chunk', 'chunk.document_id', 'document.id')
    .select(['document.id', 'document.tenant_id', 'document.source_id', 'document.title', 'document.url', 'document.scopes', 'document.updated_at', 'document.content_hash', 'document.embedding_model'])
    .select(['chunk.ordinal', 'chunk.heading', 'chunk.text'])
    .where('document.id', '=', documentId)
    .orderBy('chunk.ordinal')
    .execute();
  const first = rows[0];
  if (first === undefined) return null;
  return {
    id: first.id,
    tenantId: first.tenant_id,
    sourceId: first.source_id,
    title: first.title,
    url: first.url,
    scopes: first.scopes,
    updatedAt: toIsoString(first.updated_at),
    contentHash: first.content_hash,
    embeddingModel: first.embedding_model,
    chunks: rows.flatMap((row) => (row.ordinal === null || row.text === null ? [] : [{ ordinal: row.ordinal, heading: row.heading, text: row.text }])),
  };
}

/**
 * Records that the document's vectors now come from `embeddingModel`, only while its content is still
 * `contentHash` (a concurrent re-index of new content keeps its own record); true when recorded.
 */
export async function markKnowledgeDocumentEmbedded(db: Kysely<Database>, input: { documentId: string; contentHash: string; embeddingModel: string }): Promise<boolean> {
  const result = await db
    .updateTable('knowledge_documents')
    .set({ embedding_model: input.embeddingModel })
    .where('id', '=', input.documentId)
    .where('content_hash', '=', input.contentHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
