/**
 * Corpus statistics for BM25 ranking of lexical knowledge search, kept exact by triggers on `knowledge_chunks`:
 * - `knowledge_term_stats (tenant_id, lexeme, chunk_count)`: in how many of the tenant's chunks each lexeme occurs
 *   (the document frequency behind a term's IDF);
 * - `knowledge_tenant_stats (tenant_id, chunk_count, total_length)`: chunks and summed `length(search_vector)`
 *   (distinct lexemes per chunk), for the average chunk length.
 *
 * Triggers rather than application code, because chunks also disappear by cascade (a deleted source deletes its
 * documents, which delete their chunks). They are statement-level with transition tables, so one statement that
 * writes a document's chunks costs one grouped upsert, not one per chunk. Rows are upserted in (tenant, lexeme)
 * order, so concurrent writers of one tenant lock shared rows in the same order and cannot deadlock. Existing
 * chunks are counted once, here.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('knowledge_term_stats')
    .addColumn('tenant_id', 'text', (column) => column.notNull())
    .addColumn('lexeme', 'text', (column) => column.notNull())
    .addColumn('chunk_count', 'integer', (column) => column.notNull())
    .addPrimaryKeyConstraint('knowledge_term_stats_pkey', ['tenant_id', 'lexeme'])
    .execute();
  await db.schema
    .createTable('knowledge_tenant_stats')
    .addColumn('tenant_id', 'text', (column) => column.primaryKey())
    .addColumn('chunk_count', 'bigint', (column) => column.notNull())
    .addColumn('total_length', 'bigint', (column) => column.notNull())
    .execute();

  await sql`
    create function knowledge_chunks_count_terms() returns trigger language plpgsql as $body$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        insert into knowledge_term_stats as stats (tenant_id, lexeme, chunk_count)
          select chunk.tenant_id, term.lexeme, -count(*)::integer
          from old_chunks chunk cross join lateral unnest(chunk.search_vector) as term
          group by chunk.tenant_id, term.lexeme
          order by chunk.tenant_id, term.lexeme
        on conflict (tenant_id, lexeme) do update set chunk_count = stats.chunk_count + excluded.chunk_count;
        insert into knowledge_tenant_stats as stats (tenant_id, chunk_count, total_length)
          select chunk.tenant_id, -count(*), -coalesce(sum(length(chunk.search_vector)), 0)
          from old_chunks chunk group by chunk.tenant_id order by chunk.tenant_id
        on conflict (tenant_id) do update set chunk_count = stats.chunk_count + excluded.chunk_count, total_length = stats.total_length + excluded.total_length;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into knowledge_term_stats as stats (tenant_id, lexeme, chunk_count)
          select chunk.tenant_id, term.lexeme, count(*)::integer
          from new_chunks chunk cross join lateral unnest(chunk.search_vector) as term
          group by chunk.tenant_id, term.lexeme
          order by chunk.tenant_id, term.lexeme
        on conflict (tenant_id, lexeme) do update set chunk_count = stats.chunk_count + excluded.chunk_count;
        insert into knowledge_tenant_stats as stats (tenant_id, chunk_count, total_length)
          select chunk.tenant_id, count(*), coalesce(sum(length(chunk.search_vector)), 0)
          from new_chunks chunk group by chunk.tenant_id order by chunk.tenant_id
        on conflict (tenant_id) do update set chunk_count = stats.chunk_count + excluded.chunk_count, total_length = stats.total_length + excluded.total_length;
      end if;
      if tg_op in ('DELETE', 'UPDATE') then
        delete from knowledge_term_stats stats
          using (select distinct chunk.tenant_id, term.lexeme from old_chunks chunk cross join lateral unnest(chunk.search_vector) as term) gone
          where stats.tenant_id = gone.tenant_id and stats.lexeme = gone.lexeme and stats.chunk_count <= 0;
      end if;
      return null;
    end
    $body$`.execute(db);
  await sql`create trigger knowledge_chunks_terms_insert after insert on knowledge_chunks referencing new table as new_chunks for each statement execute function knowledge_chunks_count_terms()`.execute(db);
  await sql`create trigger knowledge_chunks_terms_delete after delete on knowledge_chunks referencing old table as old_chunks for each statement execute function knowledge_chunks_count_terms()`.execute(db);
  await sql`create trigger knowledge_chunks_terms_update after update on knowledge_chunks referencing old table as old_chunks new table as new_chunks for each statement execute function knowledge_chunks_count_terms()`.execute(db);

  await sql`
    insert into knowledge_term_stats (tenant_id, lexeme, chunk_count)
    select chunk.tenant_id, term.lexeme, count(*)::integer
    from knowledge_chunks chunk cross join lateral unnest(chunk.search_vector) as term
    group by chunk.tenant_id, term.lexeme`.execute(db);
  await sql`
    insert into knowledge_tenant_stats (tenant_id, chunk_count, total_length)
    select tenant_id, count(*), coalesce(sum(length(search_vector)), 0) from knowledge_chunks group by tenant_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists knowledge_chunks_terms_update on knowledge_chunks`.execute(db);
  await sql`drop trigger if exists knowledge_chunks_terms_delete on knowledge_chunks`.execute(db);
  await sql`drop trigger if exists knowledge_chunks_terms_insert on knowledge_chunks`.execute(db);
  await sql`drop function if exists knowledge_chunks_count_terms()`.execute(db);
  await db.schema.dropTable('knowledge_tenant_stats').ifExists().execute();
  await db.schema.dropTable('knowledge_term_stats').ifExists().execute();
}
