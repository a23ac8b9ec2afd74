/**
 * `/api/knowledge/*` against a real worker, Temporal, PostgreSQL, LanceDB on disk and a website on loopback:
 * sources (create, list, read, sync, 409 while syncing, delete with documents, vectors and schedule),
 * uploads (Markdown, PDF made with pdf-lib, HTML; unsupported and malformed requests), documents (list,
 * delete) and search.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startKnowledgeHarness, startTestSite, type KnowledgeHarness, type TestSite } from '../../activities/knowledge/ingestion/ingestion-test-support.js';
import { knowledgeSourceScheduleId, knowledgeSourceWorkflowId } from '../../domain/constants.js';
import type { KnowledgeDocumentView, KnowledgeSearchHit, KnowledgeSourceView } from '../../domain/knowledge.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/postgres.js';

let database: TestDatabase;
let harness: KnowledgeHarness;
let site: TestSite;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startKnowledgeHarness({ databaseUrl: database.url });
  site = await startTestSite(
    {
      '/': { title: 'Acme help', body: 'Acme help center home about the orbital widget.', links: ['/setup'] },
      '/setup': { title: 'Orbital widget setup', body: 'Mount the orbital widget on the north wall and align the quantum dial.' },
    },
    { delayMs: 150 },
  );
}, 120_000);

afterAll(async () => {
  await site?.close();
  await harness?.close();
  await database?.drop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } }> {
  const response = await fetch(`${harness.baseUrl}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function upload(file: Blob, filename: string, fields: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string } } }> {
  const form = new FormData();
  form.set('file', file, filename);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  const response = await fetch(`${harness.baseUrl}/api/knowledge/documents`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function sourceOf(id: string): Promise<KnowledgeSourceView> {
  return (await call('GET', `/api/knowledge/sources/${id}`)).body.source as KnowledgeSourceView;
}

async function documentsOf(sourceId: string): Promise<KnowledgeDocumentView[]> {
  return (await call('GET', `/api/knowledge/documents?sourceId=${sourceId}`)).body.documents as KnowledgeDocumentView[];
}

async function makePdf(lines: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Warranty terms');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage();
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 750 - index * 20, size: 12, font }));
  return pdf.save();
}

describe('knowledge sources API', () => {
  it('rejects bad input with 400 and unknown ids with 404', async () => {
    expect((await call('POST', '/api/knowledge/sources', { kind: 'website', name: 'x', startUrl: 'ftp://example.com' })).status).toBe(400);
    expect((await call('POST', '/api/knowledge/sources', { kind: 'bogus', name: 'x' })).body.error?.code).toBe('invalid_request');
    expect((await call('POST', '/api/knowledge/sources', { kind: 'url', name: '', url: 'http://example.com' })).status).toBe(400);
    expect((await call('GET', '/api/knowledge/sources/src_missing')).status).toBe(404);
    expect((await call('POST', '/api/knowledge/sources/src_missing/sync')).status).toBe(404);
    expect((await call('DELETE', '/api/knowledge/sources/src_missing')).status).toBe(404);
    expect((await call('DELETE', '/api/knowledge/documents/doc_missing')).status).toBe(404);
    expect((await call('GET', '/api/knowledge/search')).status).toBe(400);
    expect((await call('GET', '/api/knowledge/documents?limit=0')).status).toBe(400);
  });

  it('creates a website source that syncs at once and on a schedule, refuses a second concurrent sync, searches it and deletes it with everything', async () => {
    const created = await call('POST', '/api/knowledge/sources', { kind: 'website', name: 'Acme help', startUrl: `${site.origin}/`, useSitemap: false, syncIntervalSeconds: 3600, scopes: ['knowledge:acme'] });
    expect(created.status).toBe(201);
    const source = created.body.source as KnowledgeSourceView;
    expect(created.body.workflowId).toBe(`knowledge-source-${source.id}`);
    expect(source).toMatchObject({ kind: 'website', name: 'Acme help', scopes: ['knowledge:acme'], syncIntervalSeconds: 3600 });
    const schedule = await harness.client.schedule.getHandle(knowledgeSourceScheduleId(source.id)).describe();
    expect(schedule.spec.intervals?.[0]?.every).toBe(3_600_000);

    await vi.waitFor(async () => expect(await sourceOf(source.id)).toMatchObject({ status: 'idle', documentCount: 2, stale: false, progress: null }), { timeout: 30_000, interval: 200 });
    // The source reads idle once the last activity recorded it and the workflow closes a moment later: a sync
    // asked for in that moment waits for it (see the next test), so it is started at once here.
    const listed = (await call('GET', '/api/knowledge/sources')).body.sources as KnowledgeSourceView[];
    expect(listed.map((entry) => entry.id)).toContain(source.id);

    const started = await call('POST', `/api/knowledge/sources/${source.id}/sync`);
    expect(started.status).toBe(202);
    const again = await call('POST', `/api/knowledge/sources/${source.id}/sync`);
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('sync_running');
    await vi.waitFor(async () => expect((await sourceOf(source.id)).status).toBe('idle'), { timeout: 30_000, interval: 200 });

    const search = await call('GET', `/api/knowledge/search?q=${encodeURIComponent('quantum dial orbital widget')}&scope=knowledge:acme`);
    expect(search.status).toBe(200);
    const hits = search.body.hits as KnowledgeSearchHit[];
    expect(hits[0]).toMatchObject({ sourceId: source.id, title: 'Orbital widget setup', url: `${site.origin}/setup` });
    expect(hits[0]?.retrievers.vector).toBeDefined();
    expect(hits[0]?.retrievers.lexical).toBeDefined();
    expect((await call('GET', `/api/knowledge/search?q=orbital&scope=knowledge:other`)).body.hits).toEqual([]);

    expect((await call('DELETE', `/api/knowledge/sources/${source.id}`)).status).toBe(204);
    expect((await call('GET', `/api/knowledge/sources/${source.id}`)).status).toBe(404);
    expect(await harness.knowledge.vectorStore.count({ tenantId: 'default', sourceIds: [source.id] })).toBe(0);
    expect((await call('GET', `/api/knowledge/documents?sourceId=${source.id}`)).body.total).toBe(0);
    await expect(harness.client.schedule.getHandle(knowledgeSourceScheduleId(source.id)).describe()).rejects.toThrow(/not found/i);
  });
});

describe('sync now while a sync closes', () => {
  /**
   * Stands in for the source's sync in a chosen state: an `ingestSourceWorkflow` run with the source's workflow
   * id on a task queue no worker polls, so it stays open until the test ends it, and the source's sync record.
   */
  async function openSync(sourceId: string): Promise<{ runId: string; end: () => Promise<void> }> {
    const handle = await harness.client.workflow.start('ingestSourceWorkflow', { taskQueue: `${harness.taskQueue}-nobody`, workflowId: knowledgeSourceWorkflowId(sourceId), args: [{ tenantId: 'default', sourceId, reason: 'manual' }] });
    return { runId: handle.firstExecutionRunId, end: async () => {
        await handle.terminate('test: the sync closes');
      },
    };
  }

  async function settledSource(): Promise<KnowledgeSourceView> {
    const created = await call('POST', '/api/knowledge/sources', { kind: 'url', name: 'Closing sync', url: `${site.origin}/setup`, syncIntervalSeconds: 0 });
    expect(created.status).toBe(201);
    const source = created.body.source as KnowledgeSourceView;
    await harness.client.workflow.getHandle(knowledgeSourceWorkflowId(source.id)).result();
    return source;
  }

  it('waits for a sync that has recorded its end to close, then starts the new one', async () => {
    const source = await settledSource();
    const closing = await openSync(source.id);
    await harness.store.knowledgeSources.beginSync({ tenantId: 'default', sourceId: source.id, syncId: closing.runId });
    await harness.store.knowledgeSources.finishSync({ tenantId: 'default', sourceId: source.id, syncId: closing.runId, status: 'idle', error: null, stats: {} });
    expect((await sourceOf(source.id)).status).toBe('idle');

    const asked = call('POST', `/api/knowledge/sources/${source.id}/sync`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await closing.end();
    const started = await asked;
    expect(started.status).toBe(202);
    const description = await harness.client.workflow.getHandle(knowledgeSourceWorkflowId(source.id)).describe();
    expect(description.runId).not.toBe(closing.runId);
    await harness.client.workflow.getHandle(knowledgeSourceWorkflowId(source.id)).result();
    expect(await sourceOf(source.id)).toMatchObject({ status: 'idle', documentCount: 1 });
    expect((await harness.store.knowledgeSources.getSource('default', source.id))?.syncId).toBe(description.runId);
  });

  it('answers 409 for a sync at work: one that reads syncing, and one that has not recorded its start yet', async () => {
    const source = await settledSource();
    const previousSyncId = (await harness.store.knowledgeSources.getSource('default', source.id))?.syncId;
    const running = await openSync(source.id);
    try {
      // Not begun: the source still shows the previous sync, idle.
      const early = await call('POST', `/api/knowledge/sources/${source.id}/sync`);
      expect(early.status).toBe(409);
      expect(early.body.error?.code).toBe('sync_running');
      expect((await harness.store.knowledgeSources.getSource('default', source.id))?.syncId).toBe(previousSyncId);

      await harness.store.knowledgeSources.beginSync({ tenantId: 'default', sourceId: source.id, syncId: running.runId });
      const busy = await call('POST', `/api/knowledge/sources/${source.id}/sync`);
      expect(busy.status).toBe(409);
      expect(busy.body.error?.code).toBe('sync_running');
      const description = await harness.client.workflow.getHandle(knowledgeSourceWorkflowId(source.id)).describe();
      expect(description.runId).toBe(running.runId);
      expect(description.status.name).toBe('RUNNING');
    } finally {
      await running.end();
    }
  });
});

describe('knowledge documents API', () => {
  it('ingests uploaded Markdown, PDF and HTML into the default Uploads source, lists, searches and deletes them', async () => {
    const markdown = await upload(new Blob(['# Flux capacitor care\n\nClean the flux capacitor with dry nitrogen every quarter.\n'], { type: 'text/markdown' }), 'flux.md');
    expect(markdown.status).toBe(202);
    const sourceId = markdown.body.sourceId as string;
    expect(markdown.body.workflowId).toBe(`knowledge-source-${sourceId}`);
    const pdf = await upload(new Blob([await makePdf(['Warranty terms for the hyperdrive.', 'Claims must be filed within ninety days.'])], { type: 'application/pdf' }), 'warranty.pdf');
    expect(pdf.status).toBe(202);
    expect(pdf.body.sourceId).toBe(sourceId);
    const html = await upload(
      new Blob(['<html><head><title>Teleporter FAQ</title></head><body><nav>Menu</nav><main><h1>Teleporter FAQ</h1><p>The teleporter pad must be recalibrated after every solar flare.</p></main></body></html>'], { type: 'text/html' }),
      'faq.html',
      { title: 'Teleporter questions' },
    );
    expect(html.status).toBe(202);

    await vi.waitFor(async () => expect(await documentsOf(sourceId)).toHaveLength(3), { timeout: 30_000, interval: 200 });
    const documents = await documentsOf(sourceId);
    expect(documents.map((document) => document.title).sort()).toEqual(['Flux capacitor care', 'Teleporter questions', 'Warranty terms']);
    expect(documents.every((document) => document.chunkCount > 0 && document.url === null)).toBe(true);
    const sources = (await call('GET', '/api/knowledge/sources')).body.sources as KnowledgeSourceView[];
    expect(sources.find((entry) => entry.id === sourceId)).toMatchObject({ kind: 'upload', name: 'Uploads', stale: false, documentCount: 3 });

    const pdfHits = (await call('GET', `/api/knowledge/search?q=${encodeURIComponent('hyperdrive warranty claims ninety days')}`)).body.hits as KnowledgeSearchHit[];
    expect(pdfHits[0]?.documentId).toBe(pdf.body.documentId);
    expect(pdfHits[0]?.text).toMatch(/ninety days/);
    const htmlHits = (await call('GET', `/api/knowledge/search?q=${encodeURIComponent('teleporter solar flare')}&sourceId=${sourceId}`)).body.hits as KnowledgeSearchHit[];
    expect(htmlHits[0]?.documentId).toBe(html.body.documentId);
    expect(htmlHits[0]?.text).not.toMatch(/Menu/);

    const documentId = markdown.body.documentId as string;
    expect((await call('DELETE', `/api/knowledge/documents/${documentId}`)).status).toBe(204);
    expect((await call('DELETE', `/api/knowledge/documents/${documentId}`)).status).toBe(404);
    expect((await documentsOf(sourceId)).map((document) => document.id)).not.toContain(documentId);
    expect(await harness.knowledge.vectorStore.count({ tenantId: 'default', documentIds: [documentId] })).toBe(0);
  });

  it('rejects unsupported files, missing parts, wrong content types and non-upload sources', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await upload(new Blob([png], { type: 'image/png' }), 'logo.png')).status).toBe(415);
    const noFile = await fetch(`${harness.baseUrl}/api/knowledge/documents`, { method: 'POST', body: (() => { const form = new FormData(); form.set('title', 'x'); return form; })() });
    expect(noFile.status).toBe(400);
    expect((await call('POST', '/api/knowledge/documents', { file: 'x' })).status).toBe(415);
    expect((await upload(new Blob(['# x\n\ntext'], { type: 'text/markdown' }), 'x.md', { sourceId: 'src_missing' })).status).toBe(404);
    const website = await harness.store.knowledgeSources.createSource({ tenantId: 'default', kind: 'website', name: 'Not for files', settings: { startUrl: `${site.origin}/` }, scopes: [], syncIntervalSeconds: 0 });
    expect((await upload(new Blob(['# x\n\ntext'], { type: 'text/markdown' }), 'x.md', { sourceId: website.id })).status).toBe(400);
  });
});
