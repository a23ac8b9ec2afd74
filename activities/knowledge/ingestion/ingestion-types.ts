/** Inputs and results of the ingestion activities (plain JSON; the workflow imports these as types). */
import type { IngestionProgress, KnowledgeSourceKind } from '../../../domain/knowledge.js';

/** One sync of one source: `syncId` marks the documents it saw. */
export interface SourceSyncRef {
  tenantId: string;
  sourceId: string;
  syncId: string;
}

export interface BeginSourceSyncResult {
  kind: KnowledgeSourceKind;
}

export interface DiscoverSourceResult {
  /** Start URL (depth 0) and sitemap URLs (depth 1), in scope, at most `maxPages`. */
  urls: { url: string; depth: number }[];
  maxDepth: number;
  maxPages: number;
}

export interface IngestWebDocumentInput extends SourceSyncRef {
  url: string;
  /** Return the page's in-scope links (the crawl goes deeper from here). */
  followLinks: boolean;
}

export interface IngestUploadInput extends SourceSyncRef {
  uploadId: string;
}

export type DocumentOutcome = 'inserted' | 'updated' | 'unchanged' | 'failed';

export interface IngestDocumentResult {
  outcome: DocumentOutcome;
  documentId: string | null;
  /** The URL answered after redirects (web), or null (uploads). */
  url: string | null;
  chunks: number;
  /** In-scope links of the page when asked for (normalised, deduplicated). */
  links: string[];
  /** Why the document failed (it failed alone: the source sync goes on). */
  error?: string;
}

export interface FinishSourceSyncInput extends SourceSyncRef {
  progress: IngestionProgress;
  /** Delete documents this sync did not see (false when the sync failed as a whole, or for uploads). */
  deleteUnseen: boolean;
  /** Set when the sync failed as a whole: the source shows `failed` with this error. */
  error: string | null;
}

export interface FinishSourceSyncResult {
  deleted: number;
}
