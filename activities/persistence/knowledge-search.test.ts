import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { createTestDatabase } from '../../test-support/postgres.js';
import { createDatabase, type Database } from './database.js';
import { BM25_EXACT_BUDGET, deleteKnowledgeDocuments, searchKnowledge, upsertKnowledgeDocument } from './knowledge-queries.js';
import { migrateToLatest, staticMigrationProvider } from './migrations/index.js';
import type { KnowledgeDocumentInput } from './store.js';

const logger = createLogger({ level: 'silent' });

interface Target {
  name: string;
  open(): Promise<{ db: Kysely<Database>; dispose: () => Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PostgreSQL',
    open: async () => {
      const database = await createTestDatabase();
      const db = createDatabase({ databaseUrl: database.url, logger });
      return { db, dispose: async () => { await db.destroy(); await database.drop(); } };
    },
  },
  {
    name: 'PGlite in memory',
    open: () => {
      const db = createDatabase({ logger });
      return Promise.resolve({ db, dispose: () => db.destroy() });
    },
  },
];

function document(tenantId: string, id: string, chunks: { heading?: string | null; text: string }[], title = 'Help'): KnowledgeDocumentInput {
  return {
    id: `${tenantId}:${id}`,
    tenantId,
    sourceId: 'docs',
    title,
    url: null,
    contentHash: `${id}-${chunks.map((chunk) => chunk.text).join('|').length}-${Math.random()}`,
    updatedAt: '2025-01-01T00:00:00.000Z',
    chunks: chunks.map((chunk, ordinal) => ({ id: `${tenantId}:${id}#${ordinal}`, ordinal, heading: chunk.heading ?? null, text: chunk.text })),
  };
}

/** The trigger-kept statistics, and the same numbers recomputed from the chunks. */
async function statistics(db: Kysely<Database>) {
  const kept = await sql<{ tenant_id: string; lexeme: string; chunk_count: number }>`
    select tenant_id, lexeme, chunk_count from knowledge_term_stats order by tenant_id, lexeme`.execute(db);
  const recomputed = await sql<{ tenant_id: string; lexeme: string; chunk_count: number }>`
    select chunk.tenant_id, term.lexeme, count(*)::integer as chunk_count
    from knowledge_chunks chunk cross join lateral unnest(chunk.search_vector) as term
    group by chunk.tenant_id, term.lexeme order by chunk.tenant_id, term.lexeme`.execute(db);
  const keptTenants = await sql<{ tenant_id: string; chunk_count: string; total_length: string }>`
    select tenant_id, chunk_count::text, total_length::text from knowledge_tenant_stats where chunk_count <> 0 or total_length <> 0 order by tenant_id`.execute(db);
  const recomputedTenants = await sql<{ tenant_id: string; chunk_count: string; total_length: string }>`
    select tenant_id, count(*)::text as chunk_count, sum(length(search_vector))::text as total_length from knowledge_chunks group by tenant_id order by tenant_id`.execute(db);
  return { kept: kept.rows, recomputed: recomputed.rows, keptTenants: keptTenants.rows, recomputedTenants: recomputedTenants.rows };
}

describe.each(targets)('lexical knowledge search on $name', (target) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });
  async function open(): Promise<Kysely<Database>> {
    const opened = await target.open();
    dispose = opened.dispose;
    return opened.db;
  }

  it('keeps the BM25 statistics exact through inserts, replacements, deletes and cascades, per tenant', async () => {
    const db = await open();
    await migrateToLatest(db);
    await upsertKnowledgeDocument(db, document('a', 'keys', [{ heading: 'Rotate a key', text: 'Rotate keys every 90 days.' }, { text: 'Revoke a key you no longer use.' }]));
    await upsertKnowledgeDocument(db, document('a', 'billing', [{ text: 'Invoices arrive monthly; keys are not billed.' }]));
    await upsertKnowledgeDocument(db, document('b', 'keys', [{ text: 'Tenant B rotates keys by phone.' }]));
    const afterInserts = await statistics(db);
    expect(afterInserts.kept).toEqual(afterInserts.recomputed);
    expect(afterInserts.kept).toContainEqual({ tenant_id: 'a', lexeme: 'key', chunk_count: 3 });
    expect(afterInserts.kept).toContainEqual({ tenant_id: 'b', lexeme: 'key', chunk_count: 1 });
    expect(afterInserts.keptTenants).toEqual(afterInserts.recomputedTenants);

    // A changed document replaces its chunks (delete + insert in one transaction).
    await upsertKnowledgeDocument(db, document('a', 'keys', [{ text: 'Passkeys replace passwords.' }]));
    // A deleted document, and one whose chunks go by cascade from a direct delete of the document row.
    await deleteKnowledgeDocuments(db, { tenantId: 'a', documentIds: ['a:billing'] });
    await db.deleteFrom('knowledge_documents').where('id', '=', 'b:keys').execute();
    const afterChanges = await statistics(db);
    expect(afterChanges.kept).toEqual(afterChanges.recomputed);
    expect(afterChanges.keptTenants).toEqual(afterChanges.recomputedTenants);
    // Lexemes no chunk has any more leave the table.
    expect(afterChanges.kept.every((row) => row.chunk_count > 0)).toBe(true);
    expect(afterChanges.kept.map((row) => `${row.tenant_id}:${row.lexeme}`)).toEqual(['a:help', 'a:passkey', 'a:password', 'a:replac']);
  });

  it('counts the chunks that existed before the statistics did (migration 0010 backfills)', async () => {
    const db = await open();
    const migrator = new Migrator({ db, provider: staticMigrationProvider });
    const { error } = await migrator.migrateTo('0009-webhooks');
    expect(error).toBeUndefined();
    await upsertKnowledgeDocument(db, document('a', 'keys', [{ heading: 'Rotate a key', text: 'Rotate keys every 90 days.' }, { text: 'Revoke a key.' }]));
    expect(await migrateToLatest(db)).toEqual(['0010-knowledge-term-stats']);
    const { kept, recomputed, keptTenants, recomputedTenants } = await statistics(db);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(recomputed);
    expect(keptTenants).toEqual(recomputedTenants);
  });

  it('ranks by BM25: a rare query term outweighs a common one, and a heading match outweighs a text match', async () => {
    const db = await open();
    await migrateToLatest(db);
    // "workflow" is in every chunk, "webhook" in one. Without IDF the chunk with two "workflow"s wins (PostgreSQL's
    // ts_rank_cd, used before BM25, scores it 0.375 against 0.231); with IDF the rare term decides.
    await upsertKnowledgeDocument(db, document('t', 'a-common', [{ text: 'A workflow runs steps. Every workflow has an owner.' }]));
    await upsertKnowledgeDocument(db, document('t', 'b-rare', [{ text: 'A webhook calls your server when a run ends.' }]));
    for (let index = 0; index < 8; index += 1) {
      await upsertKnowledgeDocument(db, document('t', `filler-${index}`, [{ text: `Workflow tip number ${index}: name things clearly.` }]));
    }
    const hits = await searchKnowledge(db, { tenantId: 't', query: 'workflow webhook', limit: 3 });
    expect(hits[0]?.chunkId).toBe('t:b-rare#0');
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits.every((hit) => hit.score > 0 && hit.score < 1)).toBe(true);

    await upsertKnowledgeDocument(db, document('h', 'a-in-text', [{ heading: 'Overview', text: 'You can export data, including invoices, as CSV.' }]));
    await upsertKnowledgeDocument(db, document('h', 'b-in-heading', [{ heading: 'Invoices', text: 'You can export data, including receipts, as CSV.' }]));
    expect((await searchKnowledge(db, { tenantId: 'h', query: 'invoices', limit: 2 })).map((hit) => hit.chunkId)).toEqual(['h:b-in-heading#0', 'h:a-in-text#0']);
    // Tenants stay apart: the other tenant's statistics and chunks play no part.
    expect(await searchKnowledge(db, { tenantId: 'h', query: 'webhook', limit: 5 })).toEqual([]);
  });

  it('past the exact budget, still finds the rare-term chunk and the chunk densest in common terms', async () => {
    const db = await open();
    await migrateToLatest(db);
    // More chunks hold "workflow" and "run" than BM25 scores exactly, so candidates are bounded.
    const fillers = BM25_EXACT_BUDGET + 100;
    const documents = Array.from({ length: fillers / 50 }, (_, index) =>
      document('big', `filler-${String(index).padStart(3, '0')}`, Array.from({ length: 50 }, (__, chunk) => ({ text: `Workflow note ${index}-${chunk}: a run of this workflow may retry.` }))),
    );
    for (const filler of documents) await upsertKnowledgeDocument(db, filler);
    await upsertKnowledgeDocument(db, document('big', 'zz-rare', [{ text: 'Quarantined webhook payloads are kept for seven days.' }]));
    await upsertKnowledgeDocument(db, document('big', 'zz-dense', [{ heading: 'Workflow run retries', text: 'Every workflow run retries a failed run step; the workflow run history shows each retry of the run.' }]));

    const rare = await searchKnowledge(db, { tenantId: 'big', query: 'workflow run quarantined webhook', limit: 5 });
    expect(rare[0]?.chunkId).toBe('big:zz-rare#0');
    const dense = await searchKnowledge(db, { tenantId: 'big', query: 'workflow run retries', limit: 5 });
    expect(dense[0]?.chunkId).toBe('big:zz-dense#0');
    expect(dense).toHaveLength(5);
    // Four common terms: the densest chunk lacks one of them ("note", which every filler has), and is found
    // among the chunks holding all but one.
    const coordinated = await searchKnowledge(db, { tenantId: 'big', query: 'workflow run retries note', limit: 5 });
    expect(coordinated[0]?.chunkId).toBe('big:zz-dense#0');
  });
});
