/** `/admin/audit`: the append-only audit log, newest first, filterable by action, with "older entries". */
import { useId, useState, type ReactNode } from 'react';
import { authApi } from '../api/admin-client';
import type { AuditEntry } from '../api/auth-types';
import { formatDateTime } from '../components/format';
import { ResourceView } from '../components/resource-view';
import { useResource } from '../components/use-resource';
import { AdminNav } from './admin-nav';

export const AUDIT_PAGE_SIZE = 50;

export function AuditPage(): ReactNode {
  const [draft, setDraft] = useState('');
  const [action, setAction] = useState('');
  /** Cursors of the pages seen so far: the id of the last entry before each (the API's `before`). */
  const [before, setBefore] = useState<string[]>([]);
  const cursor = before.at(-1);
  const { resource, reload } = useResource(
    () => authApi.listAudit({ limit: AUDIT_PAGE_SIZE, ...(action === '' ? {} : { action }), ...(cursor === undefined ? {} : { before: cursor }) }),
    [action, cursor],
  );
  const id = useId();
  return (
    <div className="page audit-page">
      <header className="page-header">
        <h1>Audit log</h1>
      </header>
      <AdminNav />
      <form
        className="inline-form filters"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          setBefore([]);
          setAction(draft.trim());
        }}
      >
        <label htmlFor={`${id}-action`}>Action</label>
        <input id={`${id}-action`} list={`${id}-actions`} value={draft} placeholder="e.g. api-key.created" onChange={(event) => setDraft(event.target.value)} />
        <datalist id={`${id}-actions`}>
          {[...new Set((resource.data ?? []).map((entry) => entry.action))].map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <button type="submit" className="primary">
          Filter
        </button>
        {action !== '' && (
          <button
            type="button"
            onClick={() => {
              setDraft('');
              setAction('');
              setBefore([]);
            }}
          >
            Clear
          </button>
        )}
      </form>
      <section className="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">{action === '' ? 'All entries' : `Entries with action “${action}”`}</h2>
        <ResourceView resource={resource} endpoint="GET /api/audit" what="the audit log" onRetry={reload}>
          {(entries) => (
            <>
              <AuditTable entries={entries} />
              <div className="pager">
                <button type="button" disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>
                  Newer entries
                </button>
                <button type="button" disabled={entries.length < AUDIT_PAGE_SIZE} onClick={() => setBefore([...before, entries.at(-1)?.id ?? ''])}>
                  Older entries
                </button>
              </div>
            </>
          )}
        </ResourceView>
      </section>
    </div>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }): ReactNode {
  if (entries.length === 0) return <p className="muted">No entries.</p>;
  return (
    <div className="table-scroll">
      <table aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </td>
              <td>{entry.actor}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td className="break">{entry.targetType === null ? '—' : `${entry.targetType} ${entry.targetId ?? ''}`}</td>
              <td>
                <DetailView detail={entry.detail} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DetailView({ detail }: { detail: Record<string, unknown> | null }): ReactNode {
  if (detail === null || Object.keys(detail).length === 0) return '—';
  return (
    <dl className="detail-list small">
      {Object.entries(detail).map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd className="break">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
