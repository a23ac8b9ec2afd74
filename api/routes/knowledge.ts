/**
 * The knowledge API (`/api/knowledge/*`): sources (create, list, read, sync now, delete), documents (upload,
 * list, delete) and hybrid search. Syncs run as `ingestSourceWorkflow` on Temporal (`knowledge-sync.ts`);
 * uploads are stored in PostgreSQL and the workflow is handed their ids. Every query is scoped by the
 * caller's tenant: another tenant's source or document is a 404.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { removeDocuments } from '../../activities/knowledge/index-document.js';
import { searchKnowledgeHybrid } from '../../activities/knowledge/hybrid-search.js';
import { rerankerOf } from '../../activities/knowledge/knowledge-services.js';
import { uploadKindOf } from '../../activities/knowledge/ingestion/extract-upload.js';
import type { KnowledgeSourceRecord } from '../../activities/knowledge/sources/knowledge-source-store.js';
import type { Role } from '../../domain/auth.js';
import { Scope } from '../auth/api-key-service.js';
import { requireRole, tenantOf } from '../auth/principal.js';
import { CreateKnowledgeSourceSchema, type CreateKnowledgeSource } from '../../domain/knowledge.js';
import { deleteSourceSchedule, upsertSourceSchedule } from '../../workers/knowledge-schedules.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { jsonBody } from './json-body.js';
import { signalUploadSync, sourceView, startSourceSync, stopSourceSync, type SyncClient } from './knowledge-sync.js';
import { uploadBody } from './knowledge-uploads.js';
import type { RouteDependencies } from './route-dependencies.js';

/** Reading and searching the knowledge base: the tenant's staff and integrators; changing it: admins. */
const knowledgeGuard: RequestHandler = (request, response, next) => {
  const roles: Role[] = request.method === 'GET' ? ['reviewer', 'admin', 'operator', 'integrator'] : ['admin'];
  requireRole(roles, Scope.knowledge)(request, response, next);
};

/** A knowledge source or document id (in paths and upload fields). */
export const knowledgeIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be an id');
const listOf = z.union([z.string(), z.array(z.string())]).transform((value) => (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter((item) => item !== ''));

export const listDocumentsQuerySchema = z.looseObject({
  sourceId: knowledgeIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const searchQuerySchema = z.looseObject({
  q: z.string().trim().min(1).max(1000),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  scope: listOf.optional(),
  sourceId: listOf.optional(),
});

/** The text fields of a multipart document upload (the file part is checked apart). */
export const uploadFieldsSchema = z.looseObject({ sourceId: knowledgeIdSchema.optional(), title: z.string().trim().min(1).max(300).optional() });

const sourceNotFound = (id: string) => new ApiError(404, ErrorCode.notFound, `Knowledge source ${id} not found`);

/** What a source stores as its settings: the kind's fields without name, scopes and interval. */
function settingsOf(input: CreateKnowledgeSource): Record<string, unknown> {
  const { kind: _kind, name: _name, scopes: _scopes, ...rest } = input;
  const { syncIntervalSeconds: _interval, ...settings } = rest as Record<string, unknown>;
  return settings;
}

export function knowledgeRouter(dependencies: RouteDependencies): Router {
  const { store, configuration } = dependencies;
  const sources = store.knowledgeSources;
  const router = express.Router();
  router.use('/api/knowledge', knowledgeGuard);
  const sync: SyncClient = { temporal: dependencies.temporal, taskQueue: configuration.temporal.taskQueue, rpcTimeoutMs: configuration.temporalRpcTimeoutMs };

  async function sourceOr404(request: Request): Promise<KnowledgeSourceRecord> {
    const id = parseOrThrow(knowledgeIdSchema, request.params.id, 'source id');
    const source = await sources.getSource(tenantOf(request), id);
    if (source === null) throw sourceNotFound(id);
    return source;
  }

  router.get('/api/knowledge/sources', async (request, response) => {
    const records = await sources.listSources(tenantOf(request));
    response.json({ sources: await Promise.all(records.map((record) => sourceView(sync, record))) });
  });

  router.post('/api/knowledge/sources', ...jsonBody(configuration.bodyLimitBytes), async (request, response) => {
    const input = parseOrThrow(CreateKnowledgeSourceSchema, request.body, 'request body');
    const tenantId = tenantOf(request);
    const syncIntervalSeconds = input.kind === 'upload' ? 0 : input.syncIntervalSeconds;
    const source = await sources.createSource({ tenantId, kind: input.kind, name: input.name, settings: settingsOf(input), scopes: input.scopes, syncIntervalSeconds });
    let workflowId: string | null = null;
    if (source.kind !== 'upload') {
      await upsertSourceSchedule(dependencies.temporal, { tenantId, sourceId: source.id, syncIntervalSeconds }, sync.taskQueue);
      workflowId = await startSourceSync(sync, { tenantId, sourceId: source.id, reason: 'created' }, () => sources.getSource(tenantId, source.id));
    }
    const created = (await sources.getSource(tenantId, source.id)) ?? source;
    response.status(201).json({ source: await sourceView(sync, created), workflowId });
  });

  router.get('/api/knowledge/sources/:id', async (request, response) => {
    response.json({ source: await sourceView(sync, await sourceOr404(request)) });
  });

  router.post('/api/knowledge/sources/:id/sync', async (request, response) => {
    const source = await sourceOr404(request);
    const workflowId = await startSourceSync(sync, { tenantId: source.tenantId, sourceId: source.id, reason: 'manual' }, () => sources.getSource(source.tenantId, source.id));
    response.status(202).json({ workflowId });
  });

  router.delete('/api/knowledge/sources/:id', async (request, response) => {
    const source = await sourceOr404(request);
    await stopSourceSync(sync, source.id);
    await deleteSourceSchedule(dependencies.temporal, source.id);
    const documentIds = await sources.documentIdsOfSource(source.tenantId, source.id);
    await removeKnowledgeDocuments(dependencies, source.tenantId, documentIds);
    await dependencies.knowledge?.vectorStore.deleteSource({ tenantId: source.tenantId, sourceId: source.id });
    await sources.deleteSource(source.tenantId, source.id);
    response.status(204).end();
  });

  router.get('/api/knowledge/documents', async (request, response) => {
    const query = parseOrThrow(listDocumentsQuerySchema, request.query, 'query string');
    response.json(await sources.listDocuments({ tenantId: tenantOf(request), limit: query.limit, offset: query.offset, ...(query.sourceId === undefined ? {} : { sourceId: query.sourceId }) }));
  });

  router.post('/api/knowledge/documents', uploadBody, async (request, response) => {
    const fields = parseOrThrow(uploadFieldsSchema, request.body ?? {}, 'form fields');
    const file = request.file;
    if (file === undefined) throw new ApiError(400, ErrorCode.invalidRequest, 'Invalid form fields: file: a file part named "file" is required');
    const body = new Uint8Array(file.buffer);
    if (uploadKindOf({ filename: file.originalname, mediaType: file.mimetype, body }) === null) {
      throw new ApiError(415, ErrorCode.unsupportedMediaType, `Unsupported file type ${file.mimetype} (${file.originalname}): upload Markdown, plain text, HTML or PDF`);
    }
    const tenantId = tenantOf(request);
    const source = fields.sourceId === undefined ? await sources.ensureUploadSource(tenantId) : await sources.getSource(tenantId, fields.sourceId);
    if (source === null) throw sourceNotFound(fields.sourceId ?? '');
    if (source.kind !== 'upload') throw new ApiError(400, ErrorCode.invalidRequest, `Knowledge source ${source.id} is a ${source.kind} source; files go to upload sources`);
    const documentId = `doc_${randomUUID().replaceAll('-', '')}`;
    await sources.saveUpload({ id: documentId, tenantId, sourceId: source.id, filename: file.originalname, mediaType: file.mimetype, title: fields.title ?? null, body });
    const workflowId = await signalUploadSync(sync, { tenantId, sourceId: source.id, uploadId: documentId });
    response.status(202).json({ documentId, sourceId: source.id, workflowId });
  });

  router.delete('/api/knowledge/documents/:id', async (request, response) => {
    const id = parseOrThrow(knowledgeIdSchema, request.params.id, 'document id');
    const tenantId = tenantOf(request);
    const document = await sources.getDocument(tenantId, id);
    const upload = await sources.deleteUpload(tenantId, id);
    if (document === null && !upload) throw new ApiError(404, ErrorCode.notFound, `Knowledge document ${id} not found`);
    if (document !== null) {
      await removeKnowledgeDocuments(dependencies, tenantId, [id]);
      await sources.forgetDocuments({ sourceId: document.sourceId, documentIds: [id] });
    }
    response.status(204).end();
  });

  router.get('/api/knowledge/search', async (request, response) => {
    const query = parseOrThrow(searchQuerySchema, request.query, 'query string');
    const input = { tenantId: tenantOf(request), query: query.q, limit: query.limit, ...(query.scope === undefined ? {} : { scopes: query.scope }), ...(query.sourceId === undefined ? {} : { sourceIds: query.sourceId }) };
    const knowledge = dependencies.knowledge;
    if (knowledge === undefined) {
      response.json(await lexicalOnly(dependencies, input));
      return;
    }
    response.json(await searchKnowledgeHybrid({ store, vectorStore: knowledge.vectorStore, embeddingModel: knowledge.embeddingModel, ...withReranker(knowledge) }, input));
  });

  return router;
}

/** Deletes documents from PostgreSQL and, when the API has one, the vector store. */
async function removeKnowledgeDocuments(dependencies: RouteDependencies, tenantId: string, documentIds: string[]): Promise<void> {
  const knowledge = dependencies.knowledge;
  if (knowledge === undefined) {
    await dependencies.store.deleteKnowledgeDocuments({ tenantId, documentIds });
    return;
  }
  await removeDocuments({ store: dependencies.store, vectorStore: knowledge.vectorStore, embeddingModel: knowledge.embeddingModel }, { tenantId, documentIds });
}

/** Search without a vector store (an API started without knowledge services): PostgreSQL full text only. */
async function lexicalOnly(dependencies: RouteDependencies, input: { tenantId: string; query: string; limit: number; scopes?: string[]; sourceIds?: string[] }) {
  const started = performance.now();
  const hits = await dependencies.store.searchKnowledge(input);
  const durationMs = Math.round(performance.now() - started);
  return {
    hits: hits.map((hit, index) => ({ ...hit, score: hit.score, retrievers: { lexical: { score: hit.score, rank: index + 1 } } })),
    retrievers: { vector: { durationMs: 0, hits: 0 }, lexical: { durationMs, hits: hits.length } },
  };
}

/** The same rerank step as the turn's retrieval stage, so integrators see the order the agents get. */
function withReranker(knowledge: Parameters<typeof rerankerOf>[0]): { reranker?: NonNullable<ReturnType<typeof rerankerOf>> } {
  const reranker = rerankerOf(knowledge);
  return reranker === undefined ? {} : { reranker };
}
