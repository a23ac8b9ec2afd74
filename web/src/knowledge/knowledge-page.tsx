/**
 * `/admin/knowledge`: the tenant's knowledge sources with live sync progress and freshness, adding a
 * website or URL, uploading documents, the documents of a source, and a search with provenance.
 */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { knowledgeApi } from '../api/knowledge-client';
import { AdminNav } from '../admin/admin-nav';
import { ResourceView } from '../components/resource-view';
import { useResource } from '../components/use-resource';
import { DocumentList } from './document-list';
import { KnowledgeSearch } from './knowledge-search';
import { SourceForm } from './source-form';
import { SourceTable } from './source-table';
import { UploadPanel } from './upload-panel';

/** Poll fast while a sync runs (to move its progress bar) and for a while after a change, slowly otherwise. */
export const SYNCING_POLL_MS = 2000;
export const IDLE_POLL_MS = 30_000;
export const AFTER_CHANGE_FAST_MS = 60_000;

export function KnowledgePage({ syncingPollMs = SYNCING_POLL_MS }: { syncingPollMs?: number }): ReactNode {
  const [syncing, setSyncing] = useState(false);
  // An upload or a new source starts ingestion a moment later: keep polling fast to show it.
  const fastUntil = useRef(0);
  const { resource, reload, updatedAt } = useResource(
    async () => {
      const sources = await knowledgeApi.listSources();
      setSyncing(sources.some((source) => source.status === 'syncing') || Date.now() < fastUntil.current);
      return sources;
    },
    [],
    syncing ? syncingPollMs : IDLE_POLL_MS,
  );
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const onChanged = useCallback(
    (text: string) => {
      setAnnouncement(text);
      fastUntil.current = Date.now() + AFTER_CHANGE_FAST_MS;
      reload();
    },
    [reload],
  );
  const sources = resource.data ?? [];
  const selected = sources.find((source) => source.id === selectedId) ?? null;

  return (
    <div className="page knowledge-page">
      <header className="page-header">
        <h1>Knowledge</h1>
      </header>
      <AdminNav />
      <p className="success-text" role="status" data-testid="knowledge-announcement">
        {announcement}
      </p>
      <section className="panel" aria-labelledby="sources-title">
        <div className="panel-header">
          <h2 id="sources-title">Sources</h2>
          {updatedAt !== null && <span className="muted small">Updated {updatedAt.toLocaleTimeString()}</span>}
        </div>
        <ResourceView resource={resource} endpoint="GET /api/knowledge/sources" what="knowledge sources" onRetry={reload}>
          {(list) => <SourceTable sources={list} selectedId={selectedId} onSelect={setSelectedId} onChanged={onChanged} />}
        </ResourceView>
      </section>
      {selected !== null && (
        <section className="panel" aria-labelledby="documents-title">
          <h2 id="documents-title">Documents of {selected.name}</h2>
          <DocumentList key={selected.id} source={selected} onChanged={onChanged} />
        </section>
      )}
      {resource.status !== 'unavailable' && (
        <>
          <div className="panel-grid">
            <section className="panel" aria-labelledby="add-source-title">
              <h2 id="add-source-title">Add a website or URL</h2>
              <SourceForm onCreated={onChanged} />
            </section>
            <section className="panel" aria-labelledby="upload-title">
              <h2 id="upload-title">Upload documents</h2>
              <UploadPanel sources={sources} onUploaded={onChanged} />
            </section>
          </div>
          <section className="panel" aria-labelledby="search-title">
            <h2 id="search-title">Search</h2>
            <KnowledgeSearch sources={sources} />
          </section>
        </>
      )}
    </div>
  );
}
