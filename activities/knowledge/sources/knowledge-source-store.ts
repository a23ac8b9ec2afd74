/**
 * `KnowledgeSourceStore`: knowledge sources, uploads, document listings and per-document sync state on the
 * store's kysely instance (migration 0007). The store exposes one as `store.knowledgeSources`, so the API and
 * the ingestion activities share the database (and PGlite's single connection) with everything else.
 */
import type { Kysely } from 'kysely';
import type { KnowledgeDocumentView, SyncStatus } from '../../../domain/knowledge.js';
import type { Database } from '../../persistence/database.js';
import * as documents from './document-queries.js';
import * as sources from './source-queries.js';
import type { KnowledgeSourceRecord, NewKnowledgeSource } from './source-queries.js';
import { withSourceTables, type SourceDatabase } from './source-tables.js';
import * as uploads from './upload-queries.js';
import type { NewUpload, StoredUpload, UploadStatus } from './upload-queries.js';

export type { KnowledgeSourceRecord, NewKnowledgeSource } from './source-queries.js';
export type { NewUpload, StoredUpload, UploadStatus } from './upload-queries.js';

export class KnowledgeSourceStore {
  readonly #db: SourceDatabase;

  constructor(db: Kysely<Database>) {
    this.#db = withSourceTables(db);
  }

  createSource(input: NewKnowledgeSource): Promise<KnowledgeSourceRecord> {
    return sources.createSource(this.#db, input);
  }
  /** Creates the source under a fixed id unless it exists (built-in sources such as the demo help center). */
  ensureSource(input: NewKnowledgeSource, id: string): Promise<KnowledgeSourceRecord> {
    return sources.createSource(this.#db, input, id);
  }
  /** The tenant's default "Uploads" source, created on first use. */
  ensureUploadSource(tenantId: string): Promise<KnowledgeSourceRecord> {
    return sources.ensureUploadSource(this.#db, tenantId);
  }
  getSource(tenantId: string, id: string): Promise<KnowledgeSourceRecord | null> {
    return sources.getSource(this.#db, tenantId, id);
  }
  listSources(tenantId: string): Promise<KnowledgeSourceRecord[]> {
    return sources.listSources(this.#db, tenantId);
  }
  beginSync(input: { tenantId: string; sourceId: string; syncId: string }): Promise<boolean> {
    return sources.beginSync(this.#db, input);
  }
  finishSync(input: { tenantId: string; sourceId: string; syncId: string; status: SyncStatus; error: string | null; stats: Record<string, unknown> }): Promise<void> {
    return sources.finishSync(this.#db, input);
  }
  /** Deletes the source row with its uploads and sync state (delete its documents first). */
  deleteSource(tenantId: string, id: string): Promise<boolean> {
    return sources.deleteSource(this.#db, tenantId, id);
  }

  listDocuments(input: { tenantId: string; sourceId?: string; limit: number; offset: number }): Promise<{ documents: KnowledgeDocumentView[]; total: number }> {
    return documents.listDocuments(this.#db, input);
  }
  getDocument(tenantId: string, documentId: string): Promise<{ id: string; sourceId: string } | null> {
    return documents.getDocument(this.#db, tenantId, documentId);
  }
  documentIdsOfSource(tenantId: string, sourceId: string): Promise<string[]> {
    return documents.documentIdsOfSource(this.#db, tenantId, sourceId);
  }
  markSeen(input: { tenantId: string; sourceId: string; syncId: string; documents: { id: string; url: string | null }[] }): Promise<void> {
    return documents.markSeen(this.#db, input);
  }
  unmarkSeen(input: { sourceId: string; documentId: string }): Promise<void> {
    return documents.unmarkSeen(this.#db, input);
  }
  recordIngested(input: { tenantId: string; sourceId: string; syncId: string | null; documentId: string; url: string | null; contentHash: string; embedded: boolean }): Promise<void> {
    return documents.recordIngested(this.#db, input);
  }
  unseenDocumentIds(input: { tenantId: string; sourceId: string; syncId: string }): Promise<string[]> {
    return documents.unseenDocumentIds(this.#db, input);
  }
  forgetDocuments(input: { sourceId: string; documentIds: string[] }): Promise<void> {
    return documents.forgetDocuments(this.#db, input);
  }
  documentSyncState(sourceId: string): Promise<{ documentId: string; url: string | null; embedCount: number; indexedAt: string | null }[]> {
    return documents.documentSyncState(this.#db, sourceId);
  }

  saveUpload(upload: NewUpload): Promise<void> {
    return uploads.saveUpload(this.#db, upload);
  }
  getUpload(tenantId: string, id: string): Promise<StoredUpload | null> {
    return uploads.getUpload(this.#db, tenantId, id);
  }
  listUploadIds(input: { tenantId: string; sourceId: string; statuses: UploadStatus[]; limit: number }): Promise<string[]> {
    return uploads.listUploadIds(this.#db, input);
  }
  setUploadStatus(input: { tenantId: string; id: string; status: UploadStatus; error: string | null }): Promise<void> {
    return uploads.setUploadStatus(this.#db, input);
  }
  deleteUpload(tenantId: string, id: string): Promise<boolean> {
    return uploads.deleteUpload(this.#db, tenantId, id);
  }
}
