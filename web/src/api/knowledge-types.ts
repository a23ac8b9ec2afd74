/**
 * Mirror of `domain/knowledge.ts` (the knowledge API's shapes). The web app is its own package: it copies
 * the contract instead of importing the server's modules. `CreateKnowledgeSourceSchema` is copied as is so
 * the "add a source" form rejects exactly what the API would.
 */
import { z } from 'zod';

export const KnowledgeSourceKind = { upload: 'upload', website: 'website', url: 'url' } as const;
export type KnowledgeSourceKind = (typeof KnowledgeSourceKind)[keyof typeof KnowledgeSourceKind];

const Scope = z.string().regex(/^(knowledge|web):[a-z0-9][a-z0-9.-]*$/, 'a scope looks like knowledge:<topic> or web:<host>');

/** `POST /api/knowledge/sources`. */
export const CreateKnowledgeSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('website'),
    name: z.string().trim().min(1).max(200),
    startUrl: z.url({ protocol: /^https?$/ }),
    useSitemap: z.boolean().default(true),
    maxDepth: z.number().int().min(0).max(10).default(2),
    maxPages: z.number().int().min(1).max(10_000).default(200),
    includePaths: z.array(z.string().startsWith('/')).max(50).default([]),
    excludePaths: z.array(z.string().startsWith('/')).max(50).default([]),
    allowedHosts: z.array(z.string().min(1)).max(50).default([]),
    scopes: z.array(Scope).max(50).default([]),
    syncIntervalSeconds: z.number().int().min(0).max(90 * 86_400).default(86_400),
  }),
  z.object({
    kind: z.literal('url'),
    name: z.string().trim().min(1).max(200),
    url: z.url({ protocol: /^https?$/ }),
    scopes: z.array(Scope).max(50).default([]),
    syncIntervalSeconds: z.number().int().min(0).max(90 * 86_400).default(86_400),
  }),
  z.object({
    kind: z.literal('upload'),
    name: z.string().trim().min(1).max(200),
    scopes: z.array(Scope).max(50).default([]),
  }),
]);
export type CreateKnowledgeSource = z.infer<typeof CreateKnowledgeSourceSchema>;

export const SyncStatus = { idle: 'idle', syncing: 'syncing', failed: 'failed' } as const;
export type SyncStatus = (typeof SyncStatus)[keyof typeof SyncStatus];

/** The ingestion workflow's query state. */
export interface IngestionProgress {
  phase: 'discovering' | 'ingesting' | 'finished' | 'failed';
  discovered: number;
  processed: number;
  unchanged: number;
  updated: number;
  inserted: number;
  deleted: number;
  failed: number;
  chunksIndexed: number;
  errors: { url: string; message: string }[];
}

/** A source as listed by `GET /api/knowledge/sources`. */
export interface KnowledgeSourceView {
  id: string;
  tenantId: string;
  kind: KnowledgeSourceKind;
  name: string;
  settings: Record<string, unknown>;
  scopes: string[];
  syncIntervalSeconds: number;
  status: SyncStatus;
  lastSyncStartedAt: string | null;
  lastSyncedAt: string | null;
  lastError: string | null;
  documentCount: number;
  chunkCount: number;
  /** Not synced within twice its interval (or never): answers from it may be out of date. */
  stale: boolean;
  progress: IngestionProgress | null;
  createdAt: string;
}

/** A document as listed by `GET /api/knowledge/documents`. */
export interface KnowledgeDocumentView {
  id: string;
  sourceId: string;
  title: string;
  url: string | null;
  contentHash: string;
  chunkCount: number;
  updatedAt: string;
}

/** One fused search hit with provenance (`GET /api/knowledge/search?q=`). */
export interface KnowledgeSearchHit {
  chunkId: string;
  documentId: string;
  sourceId: string;
  title: string;
  heading: string | null;
  url: string | null;
  text: string;
  updatedAt: string;
  score: number;
  retrievers: { vector?: { score: number; rank: number }; lexical?: { score: number; rank: number } };
}

export interface RetrieverSummary {
  durationMs: number;
  hits: number;
}

/** `GET /api/knowledge/search`. */
export interface KnowledgeSearchResult {
  hits: KnowledgeSearchHit[];
  retrievers: { vector: RetrieverSummary; lexical: RetrieverSummary };
}

/** `GET /api/knowledge/documents`. */
export interface KnowledgeDocumentPage {
  documents: KnowledgeDocumentView[];
  total: number;
}

/** `202` of `POST /api/knowledge/documents`. */
export interface DocumentUploadAccepted {
  documentId: string;
  sourceId: string;
  workflowId: string;
}

/** File types the upload endpoint takes, and its size limit. */
export const UPLOAD_ACCEPT = '.md,.markdown,.txt,.text,.html,.htm,.pdf,text/markdown,text/plain,text/html,application/pdf';
export const UPLOAD_EXTENSIONS = ['md', 'markdown', 'txt', 'text', 'html', 'htm', 'pdf'] as const;
export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
