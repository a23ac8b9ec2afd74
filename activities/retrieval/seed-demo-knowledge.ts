/**
 * The demo help center (`demo-knowledge/*.md`, a fictional company) as knowledge-base documents, and
 * seeding it into a tenant's store, so the embedded mode answers real questions out of the box.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import matter from 'gray-matter';
import { z } from 'zod';
import { DEFAULT_TENANT_ID } from '../../domain/constants.js';
import { FailureType } from '../../domain/failure-types.js';
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

/**
 * Reads, validates and chunks every demo article, sorted by file name. Document ids are
 * `demo:<tenantId>:<slug>` (document ids are unique across tenants in the store, so every tenant gets its
 * own copy), chunk ids `<documentId>#<ordinal>`. `contentHash` is a sha256 over everything stored
 * (title, url, date and chunks), so any change to an article, or to the chunking, updates it.
 * Throws a non-retryable `InvalidInput` failure naming the file when an article is malformed.
 */
export async function loadDemoKnowledge(options: LoadDemoKnowledgeOptions = {}): Promise<KnowledgeDocumentInput[]> {
  const directory = options.directory ?? DEMO_KNOWLEDGE_DIRECTORY;
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const fileNames = (await readdir(directory)).filter((name) => name.endsWith('.md')).sort();
  const documents = await Promise.all(
    fileNames.map(async (fileName) => toDocument(fileName, await readFile(path.join(directory, fileName), 'utf8'), tenantId)),
  );
  const duplicate = documents.find((document, index) => documents.findIndex((other) => other.id === document.id) !== index);
  if (duplicate) throw invalidArticle('(several files)', `duplicate document id ${duplicate.id}`);
  return documents;
}

/**
 * Upserts every demo article into the tenant's knowledge base. Idempotent: unchanged articles are
 * skipped by the store (same `contentHash`), so seeding on every start is cheap.
 */
export async function seedDemoKnowledge(store: Store, tenantId: string): Promise<SeedResult> {
  const result: SeedResult = { inserted: 0, updated: 0, unchanged: 0 };
  for (const document of await loadDemoKnowledge({ tenantId })) {
    result[await store.upsertKnowledgeDocument(document)] += 1;
  }
  return result;
}

function toDocument(fileName: string, source: string, tenantId: string): KnowledgeDocumentInput {
  const { data, content } = matter(source);
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) throw invalidArticle(fileName, z.prettifyError(parsed.error));
  const { title, slug, url, updated } = parsed.data;
  if (fileName !== `${slug}.md`) throw invalidArticle(fileName, `file name must be ${slug}.md`);
  const id = `demo:${tenantId}:${slug}`;
  const chunks = chunkMarkdown(content, DEMO_CHUNK_OPTIONS).map((chunk) => ({
    id: `${id}#${chunk.ordinal}`,
    ordinal: chunk.ordinal,
    heading: chunk.heading,
    text: chunk.text,
  }));
  if (chunks.length === 0) throw invalidArticle(fileName, 'the article has no text');
  const contentHash = createHash('sha256')
    .update(JSON.stringify({ title, url, updated, chunks: chunks.map(({ ordinal, heading, text }) => ({ ordinal, heading, text })) }))
    .digest('hex');
  return { id, tenantId, sourceId: DEMO_SOURCE_ID, title, url, contentHash, updatedAt: updated, chunks };
}

function invalidArticle(fileName: string, problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Invalid demo knowledge article ${fileName}: ${problem}`, FailureType.InvalidInput);
}
