/**
 * `ingestSourceWorkflow` end to end: a real worker on the shared Temporal dev server, PostgreSQL, LanceDB on
 * disk, the built-in fetcher crawling a website served on loopback (start URL, sitemap, depth and path
 * limits), then re-syncs: a changed page re-indexed, unchanged pages skipped without embedding, a removed
 * page deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKnowledgeHarness, startTestSite, type KnowledgeHarness, type TestSite } from '../activities/knowledge/ingestion/ingestion-test-support.js';
import { knowledgeSourceWorkflowId } from '../domain/constants.js';
import type { IngestionProgress } from '../domain/knowledge.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import type { IngestSourceInput } from './messages.js';

let database: TestDatabase;
let harness: KnowledgeHarness;
let site: TestSite;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startKnowledgeHarness({ databaseUrl: database.url });
  site = await startTestSite(
    {
      '/docs/': { title: 'Docs home', body: 'Welcome to the Acme documentation about widgets and gadgets.', links: ['/docs/a', '/docs/b', '/blog/news', '/docs/a#section'] },
      '/docs/a': { title: 'Installing widgets', body: 'Install the widget with the acme installer and restart the service.', links: ['/docs/a/deep', '/docs/'] },
      '/docs/a/deep': { title: 'Widget internals', body: 'The widget flux capacitor needs calibration every month.', links: ['/docs/a/deeper'] },
      '/docs/a/deeper': { title: 'Too deep', body: 'This page is three links away from the start and must not be crawled.' },
      '/docs/b': { title: 'Gadget billing', body: 'Gadgets are billed monthly; refunds take five business days.' },
      '/docs/c': { title: 'Sitemap only', body: 'Only the sitemap lists this page about gadget warranties.' },
      '/blog/news': { title: 'News', body: 'Blog posts are outside the include paths.' },
    },
    { sitemap: ['/docs/c', '/blog/news'] },
  );
}, 120_000);

afterAll(async () => {
  await site?.close();
  await harness?.close();
  await database?.drop();
});

async function createWebsite(name: string, settings: Record<string, unknown>): Promise<string> {
  const source = await harness.store.knowledgeSources.createSource({ tenantId: 'default', kind: 'website', name, settings, scopes: ['knowledge:docs'], syncIntervalSeconds: 0 });
  return source.id;
}

function sync(sourceId: string, extra: Partial<IngestSourceInput> = {}): Promise<IngestionProgress> {
  return harness.client.workflow.execute('ingestSourceWorkflow', {
    taskQueue: harness.taskQueue,
    workflowId: knowledgeSourceWorkflowId(sourceId),
    args: [{ tenantId: 'default', sourceId, ...extra } satisfies IngestSourceInput],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

async function urlsOf(sourceId: string): Promise<string[]> {
  const { documents } = await harness.store.knowledgeSources.listDocuments({ tenantId: 'default', sourceId, limit: 100, offset: 0 });
  return documents.map((document) => new URL(document.url ?? '').pathname).sort();
}

async function chunkCounts(sourceId: string): Promise<{ postgres: number; vectors: number }> {
  const { documents } = await harness.store.knowledgeSources.listDocuments({ tenantId: 'default', sourceId, limit: 100, offset: 0 });
  return {
    postgres: documents.reduce((sum, document) => sum + document.chunkCount, 0),
    vectors: await harness.knowledge.vectorStore.count({ tenantId: 'default', sourceIds: [sourceId] }),
  };
}

describe('ingestSourceWorkflow', () => {
  it('crawls from the start URL and the sitemap within depth and path limits, then re-syncs by content hash', async () => {
    const sourceId = await createWebsite('Acme docs', { startUrl: `${site.origin}/docs/`, useSitemap: true, maxDepth: 2, maxPages: 50, includePaths: ['/docs'], excludePaths: [], allowedHosts: [] });
    const first = await sync(sourceId, { maxDocumentsPerRun: 2 });
    expect(first).toMatchObject({ phase: 'finished', inserted: 5, updated: 0, unchanged: 0, failed: 0, deleted: 0, processed: 5 });
    expect(await urlsOf(sourceId)).toEqual(['/docs/', '/docs/a', '/docs/a/deep', '/docs/b', '/docs/c']);
    expect(site.requests).not.toContain('/docs/a/deeper');
    expect(site.requests).not.toContain('/blog/news');
    const counts = await chunkCounts(sourceId);
    expect(counts.postgres).toBeGreaterThanOrEqual(5);
    expect(counts.vectors).toBe(counts.postgres);
    const source = await harness.store.knowledgeSources.getSource('default', sourceId);
    expect(source).toMatchObject({ status: 'idle', lastError: null, documentCount: 5, chunkCount: counts.postgres });
    expect(source?.lastSyncedAt).not.toBeNull();

    // Change one page (with a Last-Modified), remove another from the site and the sitemap.
    site.pages.set('/docs/b', { title: 'Gadget billing', body: 'Gadgets are billed yearly now; refunds take ten business days.', lastModified: 'Wed, 01 Jan 2025 10:00:00 GMT' });
    site.pages.delete('/docs/c');
    site.sitemap = ['/blog/news'];
    const embedCallsBefore = harness.embeddings.calls;
    const second = await sync(sourceId);
    expect(second).toMatchObject({ phase: 'finished', inserted: 0, updated: 1, unchanged: 3, deleted: 1, failed: 0 });
    // Only the changed page was embedded again (one document, one batch).
    expect(harness.embeddings.calls - embedCallsBefore).toBe(1);
    expect(await urlsOf(sourceId)).toEqual(['/docs/', '/docs/a', '/docs/a/deep', '/docs/b']);
    const { documents } = await harness.store.knowledgeSources.listDocuments({ tenantId: 'default', sourceId, limit: 100, offset: 0 });
    expect(documents.find((document) => document.url?.endsWith('/docs/b'))?.updatedAt).toBe('2025-01-01T10:00:00.000Z');
    const after = await chunkCounts(sourceId);
    expect(after.vectors).toBe(after.postgres);
    const hits = await harness.knowledge.vectorStore.count({ tenantId: 'default', sourceIds: [sourceId] });
    expect(hits).toBe(after.postgres);
    const state = await harness.store.knowledgeSources.documentSyncState(sourceId);
    expect(state.map((entry) => [new URL(entry.url ?? '').pathname, entry.embedCount]).sort()).toEqual([
      ['/docs/', 1],
      ['/docs/a', 1],
      ['/docs/a/deep', 1],
      ['/docs/b', 2],
    ]);
  });

  it('limits the crawl to maxDepth 0 and maxPages, and records a failing single URL on the source', async () => {
    const shallow = await createWebsite('Shallow', { startUrl: `${site.origin}/docs/a`, useSitemap: false, maxDepth: 0, maxPages: 10, includePaths: [], excludePaths: [], allowedHosts: [] });
    expect(await sync(shallow)).toMatchObject({ phase: 'finished', processed: 1, inserted: 1 });
    expect(await urlsOf(shallow)).toEqual(['/docs/a']);

    const capped = await createWebsite('Capped', { startUrl: `${site.origin}/docs/`, useSitemap: false, maxDepth: 5, maxPages: 2, includePaths: [], excludePaths: ['/docs/b'], allowedHosts: [] });
    expect(await sync(capped)).toMatchObject({ phase: 'finished', processed: 2, discovered: 2 });
    expect(await urlsOf(capped)).toEqual(['/docs/', '/docs/a']);

    const missing = await harness.store.knowledgeSources.createSource({ tenantId: 'default', kind: 'url', name: 'Gone', settings: { url: `${site.origin}/nowhere` }, scopes: [], syncIntervalSeconds: 0 });
    const progress = await sync(missing.id);
    expect(progress).toMatchObject({ phase: 'failed', processed: 1, failed: 1 });
    expect(progress.errors[0]?.message).toMatch(/WebHttpError/);
    const stored = await harness.store.knowledgeSources.getSource('default', missing.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.lastError).toMatch(/Every document failed/);
  });
});
