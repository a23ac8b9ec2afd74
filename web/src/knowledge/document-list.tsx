/** The documents of one source, a page at a time, each deletable (with its chunks and vectors). */
import { useState, type ReactNode } from 'react';
import { knowledgeApi } from '../api/knowledge-client';
import type { KnowledgeSourceView } from '../api/knowledge-types';
import { ConfirmButton } from '../components/confirm-button';
import { formatDateTime } from '../components/format';
import { ResourceView } from '../components/resource-view';
import { useResource } from '../components/use-resource';

export const DOCUMENTS_PAGE_SIZE = 20;

export function DocumentList({ source, onChanged }: { source: KnowledgeSourceView; onChanged: (announcement: string) => void }): ReactNode {
  const [offset, setOffset] = useState(0);
  // Reloads when a sync changes the source (its count or last sync), which the page polls.
  const { resource, reload } = useResource(() => knowledgeApi.listDocuments(source.id, DOCUMENTS_PAGE_SIZE, offset), [source.id, offset, source.documentCount, source.lastSyncedAt]);
  return (
    <ResourceView resource={resource} endpoint="GET /api/knowledge/documents" what="documents" onRetry={reload}>
      {({ documents, total }) =>
        documents.length === 0 ? (
          <p className="muted">No documents in {source.name} yet.</p>
        ) : (
          <>
            <div className="table-scroll">
              <table aria-label={`Documents of ${source.name}`}>
                <thead>
                  <tr>
                    <th scope="col">Title</th>
                    <th scope="col">Chunks</th>
                    <th scope="col">Updated</th>
                    <th scope="col">Content hash</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {documents.map((document) => (
                    <tr key={document.id}>
                      <th scope="row">
                        {document.url === null ? document.title : <a href={document.url} target="_blank" rel="noreferrer noopener">{document.title}</a>}
                      </th>
                      <td>{document.chunkCount}</td>
                      <td>
                        <time dateTime={document.updatedAt}>{formatDateTime(document.updatedAt)}</time>
                      </td>
                      <td>
                        <code title={document.contentHash}>{document.contentHash.slice(0, 12)}</code>
                      </td>
                      <td>
                        <ConfirmButton
                          label="Delete"
                          accessibleLabel={`Delete document ${document.title}`}
                          question={`Delete “${document.title}” and its ${document.chunkCount} chunks from the index?`}
                          confirmLabel="Delete document"
                          onConfirm={async () => {
                            await knowledgeApi.deleteDocument(document.id);
                            reload();
                            onChanged(`${document.title} deleted.`);
                          }}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="pager">
              <span className="muted">
                {offset + 1}–{offset + documents.length} of {total}
              </span>
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - DOCUMENTS_PAGE_SIZE))}>
                Previous
              </button>
              <button type="button" disabled={offset + documents.length >= total} onClick={() => setOffset(offset + DOCUMENTS_PAGE_SIZE)}>
                Next
              </button>
            </div>
          </>
        )
      }
    </ResourceView>
  );
}
