/** The dashboard's summary of knowledge sources: sync state and freshness (managed on `/admin/knowledge`). */
import type { ReactNode } from 'react';
import type { KnowledgeSourceView } from '../api/knowledge-types';
import { ageOf } from '../components/format';

export { ageOf } from '../components/format';

export function KnowledgeSources({ sources }: { sources: KnowledgeSourceView[] }): ReactNode {
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
              <td>{source.name}</td>
              <td>{source.kind}</td>
              <td>
                <span className={`status status-${source.status}`}>{source.status}</span>
                {source.stale && <span className="badge badge-stale">Stale</span>}
              </td>
              <td>{source.documentCount}</td>
              <td>{source.lastSyncedAt !== null ? <time dateTime={source.lastSyncedAt}>{ageOf(source.lastSyncedAt)}</time> : 'never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
