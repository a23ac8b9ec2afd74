/** Uploaded files (bytea) waiting to be, or already, ingested; the upload id is also its document's id. */
import { sql } from 'kysely';
import type { SourceDatabase } from './source-tables.js';

export const UploadStatus = { pending: 'pending', indexed: 'indexed', failed: 'failed' } as const;
export type UploadStatus = (typeof UploadStatus)[keyof typeof UploadStatus];

export interface NewUpload {
  id: string;
  tenantId: string;
  sourceId: string;
  filename: string;
  mediaType: string;
  title: string | null;
  body: Uint8Array;
}

export interface StoredUpload extends Omit<NewUpload, 'body'> {
  body: Uint8Array;
  status: UploadStatus;
  createdAt: string;
}

export async function saveUpload(db: SourceDatabase, upload: NewUpload): Promise<void> {
  await db
    .insertInto('knowledge_uploads')
    .values({
      id: upload.id,
      tenant_id: upload.tenantId,
      source_id: upload.sourceId,
      filename: upload.filename,
      media_type: upload.mediaType,
      title: upload.title,
      size_bytes: upload.body.byteLength,
      body: upload.body,
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

export async function getUpload(db: SourceDatabase, tenantId: string, id: string): Promise<StoredUpload | null> {
  const row = await db.selectFrom('knowledge_uploads').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (row === undefined) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    sourceId: row.source_id,
    filename: row.filename,
    mediaType: row.media_type,
    title: row.title,
    body: new Uint8Array(row.body),
    status: row.status as UploadStatus,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Ids of the source's uploads in these statuses, oldest first. */
export async function listUploadIds(db: SourceDatabase, input: { tenantId: string; sourceId: string; statuses: UploadStatus[]; limit: number }): Promise<string[]> {
  const rows = await db
    .selectFrom('knowledge_uploads')
    .select('id')
    .where('tenant_id', '=', input.tenantId)
    .where('source_id', '=', input.sourceId)
    .where('status', 'in', input.statuses)
    .orderBy('created_at')
    .orderBy('id')
    .limit(input.limit)
    .execute();
  return rows.map((row) => row.id);
}

export async function setUploadStatus(db: SourceDatabase, input: { tenantId: string; id: string; status: UploadStatus; error: string | null }): Promise<void> {
  await db
    .updateTable('knowledge_uploads')
    .set({ status: input.status, error: input.error, ...(input.status === 'indexed' ? { indexed_at: sql<Date>`now()` } : {}) })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.id)
    .execute();
}

export async function deleteUpload(db: SourceDatabase, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('knowledge_uploads').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
