/**
 * Indexing one knowledge document into both retrievers: chunks and their full-text vectors in PostgreSQL, chunk
 * embeddings in the `VectorStore`. Idempotent and crash-safe without a distributed transaction: the vectors are
 * written first and the PostgreSQL row (with the content hash) LAST, so a crash before the last write redoes the
 * document on the next attempt, and a crash after it finds the document unchanged. Vector ids are
 * `<documentId>#<ordinal>`, so a redo replaces rather than duplicates.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failure-types.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { EmbeddingModel } from '../llm/embedding-model.js';
import type { Store } from '../persistence/store.js';
import { chunkMarkdown, type ChunkOptions, type MarkdownChunk } from '../retrieval/chunker.js';
import type { VectorRecord, VectorStore } from './vector-store.js';

export interface IndexDocumentInput {
  tenantId: string;
  sourceId: string;
  documentId: string;
  title: string;
  url: string | null;
  markdown: string;
  scopes: string[];
  /** When the document last changed (ISO 8601); not part of the content hash. */
  updatedAt: string;
}

export interface IndexDeps {
  store: Store;
  vectorStore: VectorStore;
  embeddingModel: EmbeddingModel;
}

export interface IndexDocumentOptions {
  abortSignal?: AbortSignal;
  /** Called after every embedding batch (an activity heartbeats here). */
  onProgress?: () => void;
  /** Chunk sizes (default {@link DEFAULT_INDEX_CHUNK_OPTIONS}). */
  chunkOptions?: ChunkOptions;
}

export interface IndexDocumentResult {
  outcome: 'inserted' | 'updated' | 'unchanged';
  chunks: number;
  contentHash: string;
}

/** About one help-center section per chunk, with a small overlap where a long section is split. */
export const DEFAULT_INDEX_CHUNK_OPTIONS: ChunkOptions = { maxTokens: 300, overlapTokens: 45 };

/** The indexing clients of a worker's activities; non-retryable `MissingConfiguration` when it has no knowledge services. */
export function indexDepsOf(dependencies: Pick<ActivityDependencies, 'store' | 'knowledge'>): IndexDeps {
  const knowledge = dependencies.knowledge;
  if (knowledge === undefined) throw ApplicationFailure.nonRetryable('The worker has no knowledge services (vector store, embedding model)', FailureType.MissingConfiguration);
  return { store: dependencies.store, vectorStore: knowledge.vectorStore, embeddingModel: knowledge.embeddingModel };
}

/** Texts per embedding request: small enough for every provider's request limits. */
export const EMBEDDING_BATCH_SIZE = 64;

/** How stored vectors name the model that made them: a different model (or size) means re-embedding. */
export function embeddingModelKey(model: EmbeddingModel): string {
  return `${model.provider}/${model.modelId}/${model.dimensions}`;
}

/**
 * The text embedded for a chunk: title and heading path prepended, so a chunk that says "it" still carries
 * what it is about (contextual chunk headers).
 */
export function embeddingTextOf(title: string, heading: string | null, text: string): string {
  return `${heading === null || heading === title ? title : `${title} — ${heading}`}\n\n${text}`;
}

/** sha256 over everything indexed (title, url, scopes, chunks): any change to those, or to chunking, changes it. */
export function contentHashOf(input: Pick<IndexDocumentInput, 'title' | 'url' | 'scopes'>, chunks: readonly MarkdownChunk[]): string {
  const scopes = [...new Set(input.scopes)].sort();
  const body = chunks.map(({ ordinal, heading, text }) => ({ ordinal, heading, text }));
  return createHash('sha256').update(JSON.stringify({ title: input.title, url: input.url, scopes, chunks: body })).digest('hex');
}

/**
 * Chunks, embeds and indexes one document (see the module comment for the write order). Skips all work —
 * no embedding call — when the stored content hash and embedding model match and the vector store holds every
 * chunk. Throws a non-retryable `InvalidInput` when the document id belongs to another tenant or has no text.
 */
export async function indexDocument(deps: IndexDeps, input: IndexDocumentInput, options: IndexDocumentOptions = {}): Promise<IndexDocumentResult> {
  const chunks = chunkMarkdown(input.markdown, options.chunkOptions ?? DEFAULT_INDEX_CHUNK_OPTIONS);
  if (chunks.length === 0) throw ApplicationFailure.nonRetryable(`Knowledge document ${input.documentId} has no text`, FailureType.InvalidInput);
  const contentHash = contentHashOf(input, chunks);
  const modelKey = embeddingModelKey(deps.embeddingModel);
  const state = await deps.store.getKnowledgeDocumentState(input.documentId);
  if (state !== null && state.tenantId !== input.tenantId) {
    throw ApplicationFailure.nonRetryable(`Knowledge document ${input.documentId} belongs to another tenant`, FailureType.InvalidInput);
  }
  if (state?.contentHash === contentHash && state.embeddingModel === modelKey && state.chunkCount === chunks.length) {
    const stored = await deps.vectorStore.count({ tenantId: input.tenantId, documentIds: [input.documentId] });
    if (stored === chunks.length) return { outcome: 'unchanged', chunks: chunks.length, contentHash };
  }
  const records = await embedChunks(deps.embeddingModel, input, chunks, options);
  options.abortSignal?.throwIfAborted();
  // The port deletes by document only: clear the document's vectors (stale ordinals of a shrunk document
  // included), then write the new ones right away. Embedding ran before, so the gap is two quick calls.
  await deps.vectorStore.deleteDocuments({ tenantId: input.tenantId, documentIds: [input.documentId] });
  await deps.vectorStore.upsert(records);
  const outcome = await deps.store.upsertKnowledgeDocument({
    id: input.documentId,
    tenantId: input.tenantId,
    sourceId: input.sourceId,
    title: input.title,
    url: input.url,
    contentHash,
    updatedAt: input.updatedAt,
    scopes: input.scopes,
    embeddingModel: modelKey,
    chunks: chunks.map((chunk) => ({ id: chunkIdOf(input.documentId, chunk.ordinal), ordinal: chunk.ordinal, heading: chunk.heading, text: chunk.text })),
  });
  // 'unchanged' here: a crash after the row was written but with vectors missing; the vectors are now repaired.
  return { outcome: outcome === 'inserted' ? 'inserted' : 'updated', chunks: chunks.length, contentHash };
}

/** What {@link reembedDocument} did with one document. */
export type ReembedOutcome = 'reembedded' | 'current' | 'gone';

/** Attempts of {@link reembedDocument} when the document keeps changing under it. */
const REEMBED_ATTEMPTS = 3;

/**
 * Makes the document's vectors with `deps.embeddingModel` from its stored chunks (no fetching, no re-chunking),
 * for documents embedded with another model or size, or indexed for lexical search only. The vectors are
 * replaced first and the model is recorded last, and only while the content is the one embedded: if a sync
 * rewrote the document meanwhile (its vectors may now be this call's, of the older text), the new content is
 * embedded again. `gone`: deleted meanwhile; `current`: already made with this model.
 */
export async function reembedDocument(deps: IndexDeps, documentId: string, options: Pick<IndexDocumentOptions, 'abortSignal' | 'onProgress'> = {}): Promise<{ outcome: ReembedOutcome; chunks: number }> {
  const modelKey = embeddingModelKey(deps.embeddingModel);
  for (let attempt = 1; ; attempt += 1) {
    const stored = await deps.store.getKnowledgeDocumentWithChunks(documentId);
    if (stored === null) return { outcome: 'gone', chunks: 0 };
    // After a lost race this call may have overwritten the new content's vectors: embed it again even though
    // the sync recorded this model.
    if (attempt === 1 && stored.embeddingModel === modelKey) return { outcome: 'current', chunks: 0 };
    const input: IndexDocumentInput = { tenantId: stored.tenantId, sourceId: stored.sourceId, documentId, title: stored.title, url: stored.url, markdown: '', scopes: stored.scopes, updatedAt: stored.updatedAt };
    const records = await embedChunks(deps.embeddingModel, input, stored.chunks, options);
    options.abortSignal?.throwIfAborted();
    await deps.vectorStore.deleteDocuments({ tenantId: stored.tenantId, documentIds: [documentId] });
    await deps.vectorStore.upsert(records);
    if (await deps.store.markKnowledgeDocumentEmbedded({ documentId, contentHash: stored.contentHash, embeddingModel: modelKey })) return { outcome: 'reembedded', chunks: records.length };
    if (attempt >= REEMBED_ATTEMPTS) throw new Error(`knowledge document ${documentId} kept changing while it was re-embedded`);
  }
}

/**
 * Removes documents of the tenant from both retrievers: vectors first, then the rows, so a crash in between
 * leaves a row whose missing vectors the next `indexDocument` notices (its vector count check) and a retry
 * finishes the delete. Ids of other tenants are ignored.
 */
export async function removeDocuments(deps: IndexDeps, input: { tenantId: string; documentIds: string[] }): Promise<void> {
  if (input.documentIds.length === 0) return;
  await deps.vectorStore.deleteDocuments(input);
  await deps.store.deleteKnowledgeDocuments(input);
}

/** `<documentId>#<ordinal>`: the id of a chunk in both stores. */
export function chunkIdOf(documentId: string, ordinal: number): string {
  return `${documentId}#${ordinal}`;
}

async function embedChunks(model: EmbeddingModel, input: IndexDocumentInput, chunks: readonly Pick<MarkdownChunk, 'ordinal' | 'heading' | 'text'>[], options: IndexDocumentOptions): Promise<VectorRecord[]> {
  const records: VectorRecord[] = [];
  for (let start = 0; start < chunks.length; start += EMBEDDING_BATCH_SIZE) {
    const batch = chunks.slice(start, start + EMBEDDING_BATCH_SIZE);
    const { embeddings } = await model.embed(
      batch.map((chunk) => embeddingTextOf(input.title, chunk.heading, chunk.text)),
      options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal },
    );
    if (embeddings.length !== batch.length) throw new Error(`embedding model returned ${embeddings.length} vectors for ${batch.length} texts`);
    batch.forEach((chunk, index) => records.push(toRecord(input, chunk, embeddings[index] ?? [])));
    options.onProgress?.();
  }
  return records;
}

function toRecord(input: IndexDocumentInput, chunk: Pick<MarkdownChunk, 'ordinal' | 'heading' | 'text'>, vector: number[]): VectorRecord {
  return {
    id: chunkIdOf(input.documentId, chunk.ordinal),
    vector,
    tenantId: input.tenantId,
    sourceId: input.sourceId,
    documentId: input.documentId,
    scopes: [...new Set(input.scopes)].sort(),
    ordinal: chunk.ordinal,
    title: input.title,
    heading: chunk.heading,
    url: input.url,
    text: chunk.text,
    updatedAt: input.updatedAt,
  };
}
