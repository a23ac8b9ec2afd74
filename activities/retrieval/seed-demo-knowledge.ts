/**
 * The demo help center (`demo-knowledge/*.md`, a fictional company) as knowledge-base documents, and
 * seeding it into a tenant's store, so the embedded mode answers real questions out of the box.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import matter from 'gray-matter';
import { z } from 'zod';
import { DEFAULT_TENANT_ID } from '../../domain/constants.js';
import { FailureType } from '../../domain/failure-types.js';
import { contentHashOf, indexDocument, type IndexDeps } from '../knowledge/index-document.js';
import type { KnowledgeDocumentInput, Store } from '../persistence/store.js';
import { chunkMarkdown, type ChunkOptions } from './chunker.js';

/** `sourceId` of every demo document. */
export const DEMO_SOURCE_ID = 'demo-help-center';

/** Chunk sizes of the demo knowledge: one help-center section per chunk in most cases. */
export const DEMO_CHUNK_OPTIONS: ChunkOptions = { maxTokens: 300, overlapTokens: 45 };

const DEMO_KNOWLEDGE_DIRECTORY = fileURLToPath(new URL('./demo-knowledge/', import.meta.url));

/** Front matter every demo article must have. YAML turns a bare `2025-05-12` into a `Date`, hence the union. */
const frontMatterSchema = z.strictObject({
  title: z.string().trim().min(1),
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug must be kebab-case'),
  url: z.url({ protocol: /^https$/ }),
  updated: z
    .union([z.date(), z.iso.date(), z.iso.datetime({ offset: true })])
    .transform((value) => new Date(value).toISOString()),
  category: z.string().trim().min(1),
});

/** Options of {@link loadDemoKnowledge}. */
export interface LoadDemoKnowledgeOptions {
  /** Tenant the documents belong to (default `DEFAULT_TENANT_ID`). */
  tenantId?: string;
  /** Folder of `.md` articles (default: the bundled `demo-knowledge/`). */
  directory?: string;
}

/** Result of {@link seedDemoKnowledge}: how many documents each upsert outcome had. */
export interface SeedResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** One demo article as written: front matter, its Markdown body, and its knowledge scope. */
export interface DemoArticle {
  slug: string;
  title: string;
  url: string;
  /** ISO 8601. */
  updatedAt: string;
  body: string;
  /** `knowledge:<slug>`: the scope agents' `knowledgeScopes` name it by. */
  scopes: string[];
}

/** Reads and validates every demo article, sorted by file name (see {@link loadDemoKnowledge} for the failures). */
export async function loadDemoArticles(options: Pick<LoadDemoKnowledgeOptions, 'directory'> = {}): Promise<DemoArticle[]> {
  const directory = options.directory ?? DEMO_KNOWLEDGE_DIRECTORY;
  const fileNames = (await readdir(directory)).filter((name) => name.endsWith('.md')).sort();
  const articles = await Promise.all(fileNames.map(async (fileName) => toArticle(fileName, await readFile(path.join(directory, fileName), 'utf8'))));
  const duplicate = articles.find((article, index) => articles.findIndex((other) => other.slug === article.slug) !== index);
  if (duplicate) throw invalidArticle('(several files)', `duplicate slug ${duplicate.slug}`);
  return articles;
}

/**
 * Reads, validates and chunks every demo article, sorted by file name. Document ids are
 * `demo:<tenantId>:<slug>` (document ids are unique across tenants in the store, so every tenant gets its
 * own copy), chunk ids `<documentId>#<ordinal>`, scopes `knowledge:<slug>`. `contentHash` is the indexer's
 * ({@link contentHashOf}: title, url, scopes and chunks), so lexical-only seeding and vector indexing agree on
 * what is unchanged. Throws a non-retryable `InvalidInput` failure naming the file when an article is malformed.
 */
export async function loadDemoKnowledge(options: LoadDemoKnowledgeOptions = {}): Promise<KnowledgeDocumentInput[]> {
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  return (await loadDemoArticles(options)).map((article) => toDocument(article, tenantId));
}

/**
 * Upserts every demo article into the tenant's knowledge base: with `knowledge` services through
 * {@link indexDocument} (PostgreSQL and the vector store), else into PostgreSQL only. Idempotent: unchanged
 * articles are skipped by content hash (and, when indexing, embedding model), so seeding on every start is cheap.
 */
export async function seedDemoKnowledge(store: Store, tenantId: string, knowledge?: Omit<IndexDeps, 'store'>): Promise<SeedResult> {
  const result: SeedResult = { inserted: 0, updated: 0, unchanged: 0 };
  if (knowledge === undefined) {
    for (const document of await loadDemoKnowledge({ tenantId })) result[await store.upsertKnowledgeDocument(document)] += 1;
    return result;
  }
  for (const article of await loadDemoArticles()) {
    const { outcome } = await indexDocument(
      { store, ...knowledge },
      { tenantId, sourceId: DEMO_SOURCE_ID, documentId: demoDocumentId(tenantId, article.slug), title: article.title, url: article.url, markdown: article.body, scopes: article.scopes, updatedAt: article.updatedAt },
      { chunkOptions: DEMO_CHUNK_OPTIONS },
    );
    result[outcome] += 1;
  }
  return result;
}

/** `demo:<tenantId>:<slug>`. */
export function demoDocumentId(tenantId: string, slug: string): string {
  return `demo:${tenantId}:${slug}`;
}

function toArticle(fileName: string, source: string): DemoArticle {
  const { data, content } = matter(source);
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) throw invalidArticle(fileName, z.prettifyError(parsed.error));
  const { title, slug, url, updated } = parsed.data;
  if (fileName !== `${slug}.md`) throw invalidArticle(fileName, `file name must be ${slug}.md`);
  if (chunkMarkdown(content, DEMO_CHUNK_OPTIONS).length === 0) throw invalidArticle(fileName, 'the article has no text');
  return { slug, title, url, updatedAt: updated, body: content, scopes: [`knowledge:${slug}`] };
}

function toDocument(article: DemoArticle, tenantId: string): KnowledgeDocumentInput {
  const id = demoDocumentId(tenantId, article.slug);
  const markdownChunks = chunkMarkdown(article.body, DEMO_CHUNK_OPTIONS);
  const chunks = markdownChunks.map((chunk) => ({ id: `${id}#${chunk.ordinal}`, ordinal: chunk.ordinal, heading: chunk.heading, text: chunk.text }));
  const contentHash = contentHashOf(article, markdownChunks);
  return { id, tenantId, sourceId: DEMO_SOURCE_ID, title: article.title, url: article.url, contentHash, updatedAt: article.updatedAt, chunks, scopes: article.scopes };
}

function invalidArticle(fileName: string, problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Invalid demo knowledge article ${fileName}: ${problem}`, FailureType.InvalidInput);
}
