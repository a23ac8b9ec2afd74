/**
 * Knowledge sources with their sync state: status and live progress, counts, last sync with a "stale"
 * badge, the last error, and the actions (documents, sync now, delete with confirmation).
 */
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/http';
import { knowledgeApi } from '../api/knowledge-client';
import type { IngestionProgress, KnowledgeSourceView } from '../api/knowledge-types';
import { ConfirmButton } from '../components/confirm-button';
import { ageOf, formatDateTime, messageOf } from '../components/format';

export interface SourceTableProps {
  sources: KnowledgeSourceView[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** After a change, with a sentence for the live region. */
  onChanged: (announcement: string) => void;
}

/** Where a source reads from: its start URL or URL, when it has one. */
export function locationOf(source: KnowledgeSourceView): string | null {
  const value = source.settings.startUrl ?? source.settings.url;
  return typeof value === 'string' ? value : null;
}

export function SourceTable({ sources, selectedId, onSelect, onChanged }: SourceTableProps): ReactNode {
  if (sources.length === 0) return <p className="muted">No knowledge sources yet. Add a website or a URL, or upload documents.</p>;
  return (
    <div className="table-scroll">
      <table aria-label="Knowledge sources">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Kind</th>
            <th scope="col">Sync status</th>
            <th scope="col">Documents</th>
            <th scope="col">Chunks</th>
            <th scope="col">Last synced</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sources.map((source) => (
            <SourceRow key={source.id} source={source} selected={source.id === selectedId} onSelect={onSelect} onChanged={onChanged} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SourceRow({ source, selected, onSelect, onChanged }: { source: KnowledgeSourceView; selected: boolean } & Pick<SourceTableProps, 'onSelect' | 'onChanged'>): ReactNode {
  const location = locationOf(source);
  return (
    <tr data-source-id={source.id} className={selected ? 'selected-row' : undefined}>
      <th scope="row">
        {source.name}
        {location !== null && <div className="muted small break">{location}</div>}
      </th>
      <td>{source.kind}</td>
      <td>
        <SyncState source={source} />
      </td>
      <td>{source.documentCount}</td>
      <td>{source.chunkCount}</td>
      <td>
        {source.lastSyncedAt === null ? 'never' : <time dateTime={source.lastSyncedAt} title={formatDateTime(source.lastSyncedAt)}>{ageOf(source.lastSyncedAt)}</time>}
        {source.stale && <StaleBadge />}
      </td>
      <td>
        <SourceActions source={source} selected={selected} onSelect={onSelect} onChanged={onChanged} />
      </td>
    </tr>
  );
}

function StaleBadge(): ReactNode {
  return (
    <span className="badge badge-stale" title="Not synced within twice its interval: answers from it may be out of date">
      Stale<span className="visually-hidden"> — not synced within twice its interval, answers may be out of date</span>
    </span>
  );
}

function SyncState({ source }: { source: KnowledgeSourceView }): ReactNode {
  return (
    <>
      <span className={`status status-${source.status}`}>{source.status}</span>
      {source.status === 'syncing' && source.progress !== null && <ProgressView name={source.name} progress={source.progress} />}
      {source.status === 'syncing' && source.progress === null && <progress aria-label={`Sync progress of ${source.name}`} />}
      {source.lastError !== null && (
        <div className="error-text small" data-testid="last-error">
          Last error: {source.lastError}
        </div>
      )}
    </>
  );
}

/** Progress of a running sync: a bar (indeterminate while discovering) and the counts. */
export function ProgressView({ name, progress }: { name: string; progress: IngestionProgress }): ReactNode {
  const known = progress.discovered > 0;
  return (
    <div className="sync-progress">
      {known ? (
        <progress aria-label={`Sync progress of ${name}`} value={progress.processed} max={progress.discovered} />
      ) : (
        <progress aria-label={`Sync progress of ${name}`} />
      )}
      <div className="muted small">
        {progress.phase}: {progress.processed}/{progress.discovered} documents, {progress.chunksIndexed} chunks indexed
        {progress.failed > 0 && `, ${progress.failed} failed`}
      </div>
    </div>
  );
}

function SourceActions({ source, selected, onSelect, onChanged }: { source: KnowledgeSourceView; selected: boolean } & Pick<SourceTableProps, 'onSelect' | 'onChanged'>): ReactNode {
  const [error, setError] = useState<string | null>(null);
  const sync = async (): Promise<void> => {
    setError(null);
    try {
      await knowledgeApi.syncSource(source.id);
      onChanged(`Sync of ${source.name} started.`);
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 409 ? 'A sync is already running.' : messageOf(caught));
    }
  };
  return (
    <div className="row-actions">
      <button type="button" aria-pressed={selected} aria-label={`Documents of ${source.name}`} onClick={() => onSelect(selected ? null : source.id)}>
        Documents
      </button>
      {source.kind !== 'upload' && (
        <button type="button" aria-label={`Sync ${source.name} now`} disabled={source.status === 'syncing'} onClick={() => void sync()}>
          Sync now
        </button>
      )}
      <ConfirmButton
        label="Delete"
        accessibleLabel={`Delete ${source.name}`}
        question={`Delete “${source.name}” with its ${source.documentCount} documents, their chunks and vectors? This cannot be undone.`}
        confirmLabel="Delete source"
        onConfirm={async () => {
          await knowledgeApi.deleteSource(source.id);
          if (selected) onSelect(null);
          onChanged(`${source.name} deleted.`);
        }}
      />
      {error !== null && (
        <p className="error-text small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
