/**
 * Knowledge-source rows: create, read (with document and chunk counts), sync bookkeeping and delete. Every
 * query is scoped by tenant, so a source id of another tenant reads as absent.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { KnowledgeSourceKind, SyncStatus } from '../../../domain/knowledge.js';
import { iso, isoOrNull, type KnowledgeSourceTables, type SourceDatabase } from './source-tables.js';

/** A source as stored, with its current document and chunk counts. */
export interface KnowledgeSourceRecord {
  id: string;
  tenantId: string;
  kind: KnowledgeSourceKind;
  name: string;
  settings: Record<string, unknown>;
  scopes: string[];
  syncIntervalSeconds: number;
  status: SyncStatus;
  /** The sync that runs or ran last (the first run id of its workflow). */
  syncId: string | null;
  lastSyncStartedAt: string | null;
  lastSyncedAt: string | null;
  lastError: string | null;
  lastSyncStats: Record<string, unknown> | null;
  documentCount: number;
  chunkCount: number;
  createdAt: string;
}

export interface NewKnowledgeSource {
  tenantId: string;
  kind: KnowledgeSourceKind;
  name: string;
  settings: Record<string, unknown>;
  scopes: string[];
  syncIntervalSeconds: number;
}

/** The name of the source uploads go to when none is given. */
export const DEFAULT_UPLOAD_SOURCE_NAME = 'Uploads';

/** The id of a tenant's default upload source: derived, so concurrent first uploads create it once. */
export function defaultUploadSourceId(tenantId: string): string {
  return `src_uploads_${createHash('sha256').update(tenantId).digest('hex').slice(0, 24)}`;
}

type SourceRow = Selectable<KnowledgeSourceTables['knowledge_sources']> & { document_count: number | string | null; chunk_count: number | string | null };

function toRecord(row: SourceRow): KnowledgeSourceRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind as KnowledgeSourceKind,
    name: row.name,
    settings: row.settings,
    scopes: row.scopes,
    syncIntervalSeconds: row.sync_interval_seconds,
    status: row.status as SyncStatus,
    syncId: row.sync_id,
    lastSyncStartedAt: isoOrNull(row.last_sync_started_at),
    lastSyncedAt: isoOrNull(row.last_synced_at),
    lastError: row.last_error,
    lastSyncStats: row.last_sync_stats,
    documentCount: Number(row.document_count ?? 0),
    chunkCount: Number(row.chunk_count ?? 0),
    createdAt: iso(row.created_at),
  };
}

function selectSources(db: SourceDatabase, tenantId: string) {
  return db
    .selectFrom('knowledge_sources as source')
    .selectAll('source')
    .select([
      sql<number | string>`(select count(*) from knowledge_documents d where d.source_id = source.id and d.tenant_id = source.tenant_id)`.as('document_count'),
      sql<number | string>`(select count(*) from knowledge_chunks c join knowledge_documents d on d.id = c.document_id where d.source_id = source.id and d.tenant_id = source.tenant_id)`.as('chunk_count'),
    ])
    .where('source.tenant_id', '=', tenantId);
}

export async function createSource(db: SourceDatabase, input: NewKnowledgeSource, id = `src_${randomUUID().replaceAll('-', '')}`): Promise<KnowledgeSourceRecord> {
  await db
    .insertInto('knowledge_sources')
    .values({
      id,
      tenant_id: input.tenantId,
      kind: input.kind,
      name: input.name,
      settings: JSON.stringify(input.settings),
      scopes: [...new Set(input.scopes)].sort(),
      sync_interval_seconds: input.syncIntervalSeconds,
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
  const created = await getSource(db, input.tenantId, id);
  if (created === null) throw new Error(`Knowledge source ${id} belongs to another tenant`);
  return created;
}

/** The tenant's default upload source, created on first use. */
export function ensureUploadSource(db: SourceDatabase, tenantId: string): Promise<KnowledgeSourceRecord> {
  return createSource(db, { tenantId, kind: 'upload', name: DEFAULT_UPLOAD_SOURCE_NAME, settings: {}, scopes: [], syncIntervalSeconds: 0 }, defaultUploadSourceId(tenantId));
}

export async function getSource(db: SourceDatabase, tenantId: string, id: string): Promise<KnowledgeSourceRecord | null> {
  const row = await selectSources(db, tenantId).where('source.id', '=', id).executeTakeFirst();
  return row === undefined ? null : toRecord(row);
}

export async function listSources(db: SourceDatabase, tenantId: string): Promise<KnowledgeSourceRecord[]> {
  const rows = await selectSources(db, tenantId).orderBy('source.created_at').orderBy('source.id').execute();
  return rows.map(toRecord);
}

/** Marks a sync as running (idempotent for the same `syncId`). */
export async function beginSync(db: SourceDatabase, input: { tenantId: string; sourceId: string; syncId: string }): Promise<boolean> {
  const result = await db
    .updateTable('knowledge_sources')
    .set({ status: 'syncing', sync_id: input.syncId, last_sync_started_at: sql<Date>`case when sync_id = ${input.syncId} then last_sync_started_at else now() end`, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.sourceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records how a sync ended; only the sync that is current may finish it. */
export async function finishSync(
  db: SourceDatabase,
  input: { tenantId: string; sourceId: string; syncId: string; status: SyncStatus; error: string | null; stats: Record<string, unknown> },
): Promise<void> {
  await db
    .updateTable('knowledge_sources')
    .set({
      status: input.status,
      last_error: input.error,
      last_sync_stats: JSON.stringify(input.stats),
      ...(input.status === 'idle' ? { last_synced_at: sql<Date>`now()` } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.sourceId)
    .where('sync_id', '=', input.syncId)
    .execute();
}

/** Deletes the source row (uploads and sync state follow by cascade); documents are deleted by the caller first. */
export async function deleteSource(db: SourceDatabase, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('knowledge_sources').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
