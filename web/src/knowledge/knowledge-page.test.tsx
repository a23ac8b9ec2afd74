import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KnowledgeSourceView } from '../api/knowledge-types';
import { FakeXhr } from '../test/fake-xhr';
import { stubFetch } from '../test/fetch-stub';
import { KnowledgePage } from './knowledge-page';
import { validateSource, EMPTY_FIELDS } from './source-form';
import { rejectionOf } from './upload-panel';

function source(overrides: Partial<KnowledgeSourceView>): KnowledgeSourceView {
  return {
    id: 's1',
    tenantId: 'default',
    kind: 'website',
    name: 'Help center',
    settings: { startUrl: 'https://help.example.com/' },
    scopes: [],
    syncIntervalSeconds: 86_400,
    status: 'idle',
    lastSyncStartedAt: '2026-01-01T00:00:00.000Z',
    lastSyncedAt: '2026-01-01T00:05:00.000Z',
    lastError: null,
    documentCount: 12,
    chunkCount: 140,
    stale: false,
    progress: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const syncing = source({
  status: 'syncing',
  progress: { phase: 'ingesting', discovered: 10, processed: 4, unchanged: 1, updated: 1, inserted: 2, deleted: 0, failed: 0, chunksIndexed: 37, errors: [] },
});
const staleUrl = source({ id: 's2', kind: 'url', name: 'Status page', settings: { url: 'https://status.example.com/' }, stale: true, status: 'failed', lastError: 'HTTP 503 from status.example.com', documentCount: 1, chunkCount: 3 });
const uploads = source({ id: 's3', kind: 'upload', name: 'Uploads', settings: {}, documentCount: 2, chunkCount: 9 });

function renderPage(syncingPollMs = 60_000) {
  return render(
    <MemoryRouter>
      <KnowledgePage syncingPollMs={syncingPollMs} />
    </MemoryRouter>,
  );
}

function row(name: string): HTMLElement {
  const header = screen.getByRole('rowheader', { name: new RegExp(name) });
  return header.closest('tr') as HTMLElement;
}

describe('KnowledgePage', () => {
  beforeEach(() => {
    FakeXhr.instances = [];
  });
  afterEach(() => vi.unstubAllGlobals());

  it('says "not available yet" while the server has no knowledge API', async () => {
    stubFetch({});
    renderPage();
    expect(await screen.findByTestId('not-available')).toHaveTextContent('GET /api/knowledge/sources');
    expect(screen.queryByRole('form', { name: 'Add a knowledge source' })).not.toBeInTheDocument();
  });

  it('shows kind, counts, freshness, last error and live progress, polling fast while a sync runs', async () => {
    let calls = 0;
    stubFetch({
      'GET /api/knowledge/sources': () => {
        calls += 1;
        return { body: { sources: calls === 1 ? [syncing, staleUrl] : [source({ documentCount: 13, chunkCount: 151 }), staleUrl] } };
      },
    });
    renderPage(50);
    await screen.findByRole('table', { name: 'Knowledge sources' });
    const help = row('Help center');
    expect(help).toHaveTextContent('https://help.example.com/');
    const bar = within(help).getByRole('progressbar', { name: 'Sync progress of Help center' });
    expect(bar).toHaveAttribute('value', '4');
    expect(bar).toHaveAttribute('max', '10');
    expect(help).toHaveTextContent('ingesting: 4/10 documents, 37 chunks indexed');
    expect(within(help).getByRole('button', { name: 'Sync Help center now' })).toBeDisabled();

    const status = row('Status page');
    expect(status).toHaveTextContent('url');
    expect(within(status).getByText('Stale')).toBeInTheDocument();
    expect(within(status).getByTestId('last-error')).toHaveTextContent('Last error: HTTP 503 from status.example.com');

    // The sync finishes; the next poll (fast, because a sync was running) shows it idle with the new counts.
    await vi.waitFor(() => expect(within(row('Help center')).queryByRole('progressbar')).not.toBeInTheDocument(), { timeout: 5000 });
    expect(row('Help center')).toHaveTextContent('idle');
    expect(row('Help center')).toHaveTextContent('151');
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('validates a new website with the API schema before sending it, then sends the normalized body', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/knowledge/sources': () => ({ body: { sources: [] } }),
      'POST /api/knowledge/sources': (request) => ({ status: 201, body: { source: source({ name: (request.body as { name: string }).name }), workflowId: 'w' } }),
    });
    renderPage();
    const form = await screen.findByRole('form', { name: 'Add a knowledge source' });
    await user.type(within(form).getByLabelText('Start URL'), 'ftp://docs.example.com');
    await user.type(within(form).getByLabelText('Scopes (comma-separated)'), 'Billing');
    await user.click(within(form).getByRole('button', { name: 'Add source' }));
    expect(within(form).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByLabelText('Start URL')).toHaveAccessibleDescription(/Invalid URL/i);
    expect(within(form).getByLabelText('Scopes (comma-separated)')).toHaveAccessibleDescription(/a scope looks like knowledge:<topic> or web:<host>/);
    expect(requests.some((request) => request.method === 'POST')).toBe(false);

    await user.type(within(form).getByLabelText('Name'), 'Docs');
    await user.clear(within(form).getByLabelText('Start URL'));
    await user.type(within(form).getByLabelText('Start URL'), 'https://docs.example.com/');
    await user.clear(within(form).getByLabelText('Scopes (comma-separated)'));
    await user.type(within(form).getByLabelText('Scopes (comma-separated)'), 'knowledge:billing, web:docs.example.com');
    await user.type(within(form).getByLabelText('Only paths starting with (one per line)'), '/docs{Enter}/api');
    await user.clear(within(form).getByLabelText('Re-sync every (hours)'));
    await user.type(within(form).getByLabelText('Re-sync every (hours)'), '6');
    await user.click(within(form).getByRole('button', { name: 'Add source' }));
    const post = requests.find((request) => request.method === 'POST');
    expect(post?.body).toEqual({
      kind: 'website',
      name: 'Docs',
      startUrl: 'https://docs.example.com/',
      useSitemap: true,
      maxDepth: 2,
      maxPages: 200,
      includePaths: ['/docs', '/api'],
      excludePaths: [],
      allowedHosts: [],
      scopes: ['knowledge:billing', 'web:docs.example.com'],
      syncIntervalSeconds: 21_600,
    });
    expect(await screen.findByTestId('knowledge-announcement')).toHaveTextContent('Docs added; its first sync has started.');
  });

  it('starts a sync, says when one already runs, and deletes a source only after confirmation', async () => {
    const user = userEvent.setup();
    let syncCalls = 0;
    const requests = stubFetch({
      'GET /api/knowledge/sources': () => ({ body: { sources: [source({}), staleUrl] } }),
      'POST /api/knowledge/sources/s1/sync': () => {
        syncCalls += 1;
        return syncCalls === 1 ? { status: 202, body: { workflowId: 'w' } } : { status: 409, body: { error: { code: 'conflict', message: 'busy' } } };
      },
      'DELETE /api/knowledge/sources/s2': () => ({ status: 204, body: null }),
    });
    renderPage();
    await screen.findByRole('table', { name: 'Knowledge sources' });
    await user.click(screen.getByRole('button', { name: 'Sync Help center now' }));
    expect(await screen.findByTestId('knowledge-announcement')).toHaveTextContent('Sync of Help center started.');
    await user.click(screen.getByRole('button', { name: 'Sync Help center now' }));
    expect(await within(row('Help center')).findByRole('alert')).toHaveTextContent('A sync is already running.');

    await user.click(screen.getByRole('button', { name: 'Delete Status page' }));
    const confirm = screen.getByRole('alertdialog');
    expect(confirm).toHaveTextContent('Delete “Status page” with its 1 documents');
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(requests.some((request) => request.method === 'DELETE')).toBe(false);
    expect(screen.getByRole('button', { name: 'Delete Status page' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete Status page' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete source' }));
    expect(requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual(['/api/knowledge/sources/s2']);
    expect(await screen.findByTestId('knowledge-announcement')).toHaveTextContent('Status page deleted.');
  });

  it('uploads chosen and dropped files one by one with progress, refusing unsupported ones', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    window.sessionStorage.setItem('agentcraft.credential', 'ack_k1_secret');
    const user = userEvent.setup({ applyAccept: false });
    stubFetch({ 'GET /api/knowledge/sources': () => ({ body: { sources: [uploads] } }) });
    renderPage();
    await screen.findByRole('table', { name: 'Knowledge sources' });
    await user.selectOptions(screen.getByLabelText('Into'), 'Uploads');
    const markdown = new File(['# Refunds\nWithin 5 days.'], 'refunds.md', { type: 'text/markdown' });
    const binary = new File(['MZ'], 'setup.exe', { type: 'application/octet-stream' });
    await user.upload(screen.getByLabelText('Choose files…'), [markdown, binary]);

    const list = screen.getByRole('list', { name: 'Uploads' });
    expect(within(list).getByText('setup.exe').closest('li')).toHaveTextContent('Not a Markdown, text, HTML or PDF file.');
    expect(FakeXhr.instances).toHaveLength(1);
    const request = FakeXhr.instances[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/knowledge/documents');
    expect(request.headers.authorization).toBe('Bearer ack_k1_secret');
    expect((request.body?.get('file') as File).name).toBe('refunds.md');
    expect(request.body?.get('sourceId')).toBe('s3');
    act(() => request.progress(50, 100));
    expect(within(list).getByRole('progressbar', { name: 'Upload of refunds.md' })).toHaveAttribute('value', '50');
    act(() => request.respond(202, { documentId: 'd1', sourceId: 's3', workflowId: 'w' }));
    expect(await within(list).findByText('Uploaded — being indexed.')).toBeInTheDocument();

    const pdf = new File(['%PDF-1.7'], 'guide.pdf', { type: 'application/pdf' });
    fireEvent.drop(screen.getByTestId('dropzone'), { dataTransfer: { files: [pdf] } });
    await vi.waitFor(() => expect(FakeXhr.instances).toHaveLength(2), { timeout: 5000 });
    act(() => FakeXhr.instances[1]!.respond(413, { error: { code: 'payload_too_large', message: 'The file is larger than 20 MiB' } }));
    expect(await within(list).findByText('The file is larger than 20 MiB')).toBeInTheDocument();
  });

  it('lists the documents of a source and deletes one after confirmation', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/knowledge/sources': () => ({ body: { sources: [uploads] } }),
      'GET /api/knowledge/documents': () => ({
        body: { documents: [{ id: 'd1', sourceId: 's3', title: 'Refund policy', url: null, contentHash: 'abcdef0123456789', chunkCount: 4, updatedAt: '2026-01-02T00:00:00.000Z' }], total: 1 },
      }),
      'DELETE /api/knowledge/documents/d1': () => ({ status: 204, body: null }),
    });
    renderPage();
    await user.click(await screen.findByRole('button', { name: 'Documents of Uploads' }));
    const table = await screen.findByRole('table', { name: 'Documents of Uploads' });
    expect(requests.find((request) => request.path.startsWith('/api/knowledge/documents'))?.path).toBe('/api/knowledge/documents?sourceId=s3&limit=20&offset=0');
    expect(within(table).getByRole('rowheader', { name: 'Refund policy' }).closest('tr')).toHaveTextContent('abcdef012345');
    await user.click(within(table).getByRole('button', { name: 'Delete document Refund policy' }));
    await user.click(within(table).getByRole('button', { name: 'Delete document' }));
    expect(requests.some((request) => request.method === 'DELETE' && request.path === '/api/knowledge/documents/d1')).toBe(true);
  });

  it('searches and shows each hit with its provenance and per-retriever rank and score', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/knowledge/sources': () => ({ body: { sources: [source({})] } }),
      'GET /api/knowledge/search': () => ({
        body: {
          hits: [
            {
              chunkId: 'c1',
              documentId: 'd1',
              sourceId: 's1',
              title: 'API keys',
              heading: 'Rotation',
              url: 'https://help.example.com/keys',
              text: 'Rotating a key keeps the old secret valid for 24 hours.',
              updatedAt: '2026-01-02T00:00:00.000Z',
              score: 0.0325,
              retrievers: { vector: { score: 0.81, rank: 1 }, lexical: { score: 7.5, rank: 2 } },
            },
          ],
          retrievers: { vector: { durationMs: 12.4, hits: 10 }, lexical: { durationMs: 3.1, hits: 4 } },
        },
      }),
    });
    renderPage();
    const search = await screen.findByRole('search', { name: 'Search the knowledge base' });
    await user.type(within(search).getByLabelText('Search query'), 'rotate key{Enter}');
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(requests.find((request) => request.path.startsWith('/api/knowledge/search'))?.path).toBe('/api/knowledge/search?q=rotate+key&limit=10');
    expect(within(results).getByRole('link', { name: 'API keys' })).toHaveAttribute('href', 'https://help.example.com/keys');
    const hit = within(results).getByRole('listitem');
    expect(hit).toHaveTextContent('› Rotation');
    expect(hit).toHaveTextContent('SourceHelp center');
    expect(hit).toHaveTextContent('Fused score0.0325');
    expect(hit).toHaveTextContent('Vectorrank 1, score 0.810');
    expect(hit).toHaveTextContent('Lexicalrank 2, score 7.500');
    expect(screen.getByText(/1 results for “rotate key”\. Vector: 10 hits in 12 ms/)).toBeInTheDocument();
  });
});

describe('knowledge form helpers', () => {
  it('maps schema errors to fields and a single URL to its body', () => {
    const invalid = validateSource({ ...EMPTY_FIELDS, kind: 'url', name: 'x', url: 'not a url', syncHours: '-1' });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) expect(Object.keys(invalid.errors).sort()).toEqual(['syncHours', 'url']);
    expect(validateSource({ ...EMPTY_FIELDS, kind: 'url', name: ' Status ', url: 'https://status.example.com', syncHours: '0' })).toEqual({
      ok: true,
      value: { kind: 'url', name: 'Status', url: 'https://status.example.com', scopes: [], syncIntervalSeconds: 0 },
    });
  });

  it('refuses files the API does not take', () => {
    expect(rejectionOf({ name: 'a.PDF', size: 10 })).toBeNull();
    expect(rejectionOf({ name: 'notes.txt', size: 21 * 1024 * 1024 })).toBe('Larger than 20 MiB.');
    expect(rejectionOf({ name: 'image.png', size: 10 })).toMatch(/Not a Markdown/);
  });
});
