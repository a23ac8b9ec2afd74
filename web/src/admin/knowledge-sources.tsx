/** Knowledge sources with their sync state and freshness. */
import type { ReactNode } from 'react';
import type { KnowledgeSource } from '../api/upcoming-types';

/** "3 h ago", "2 d ago": how fresh a source is. */
export function ageOf(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} d ago`;
}

export function KnowledgeSources({ sources }: { sources: KnowledgeSource[] }): ReactNode {
  if (sources.length === 0) return <p className="muted">No knowledge sources.</p>;
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Documents</th>
            <th scope="col">Last sync</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((source) => (
            <tr key={source.id}>
              <td>{source.name ?? source.id}</td>
              <td>{source.kind ?? '—'}</td>
              <td>
                <span className={`status status-${source.status ?? 'unknown'}`}>{source.status ?? 'unknown'}</span>
              </td>
              <td>{source.documents ?? '—'}</td>
              <td>{source.lastSyncedAt ? <time dateTime={source.lastSyncedAt}>{ageOf(source.lastSyncedAt)}</time> : 'never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
