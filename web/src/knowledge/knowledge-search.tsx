/**
 * Search the knowledge base the way the agents do (`GET /api/knowledge/search`): fused hits with their
 * provenance — title, heading, URL, last update — and each retriever's score and rank.
 */
import { useId, useState, type ReactNode } from 'react';
import { knowledgeApi } from '../api/knowledge-client';
import type { KnowledgeSearchHit, KnowledgeSearchResult, KnowledgeSourceView } from '../api/knowledge-types';
import { formatDateTime, messageOf } from '../components/format';

type SearchState = { status: 'idle' } | { status: 'searching' } | { status: 'done'; query: string; result: KnowledgeSearchResult } | { status: 'error'; message: string };

export function KnowledgeSearch({ sources }: { sources: KnowledgeSourceView[] }): ReactNode {
  const [query, setQuery] = useState('');
  const [sourceId, setSourceId] = useState('');
  const [state, setState] = useState<SearchState>({ status: 'idle' });
  const id = useId();
  const search = async (): Promise<void> => {
    const q = query.trim();
    if (q === '') return;
    setState({ status: 'searching' });
    try {
      const result = await knowledgeApi.search({ q, limit: 10, ...(sourceId === '' ? {} : { sourceId }) });
      setState({ status: 'done', query: q, result });
    } catch (caught) {
      setState({ status: 'error', message: messageOf(caught, 'Search failed') });
    }
  };
  return (
    <div>
      <form
        role="search"
        aria-label="Search the knowledge base"
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void search();
        }}
      >
        <label htmlFor={`${id}-q`} className="visually-hidden">
          Search query
        </label>
        <input id={`${id}-q`} type="search" placeholder="e.g. how do I rotate an API key" value={query} onChange={(event) => setQuery(event.target.value)} />
        <label htmlFor={`${id}-source`} className="visually-hidden">
          Source
        </label>
        <select id={`${id}-source`} value={sourceId} onChange={(event) => setSourceId(event.target.value)}>
          <option value="">All sources</option>
          {sources.map((source) => (
            <option key={source.id} value={source.id}>
              {source.name}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={state.status === 'searching'}>
          Search
        </button>
      </form>
      <div role="status" aria-live="polite" className="muted">
        {state.status === 'searching' && 'Searching…'}
        {state.status === 'done' && <RetrieverSummary query={state.query} result={state.result} />}
      </div>
      {state.status === 'error' && (
        <p className="error-text" role="alert">
          {state.message}
        </p>
      )}
      {state.status === 'done' && state.result.hits.length > 0 && (
        <ol className="search-hits" aria-label="Search results">
          {state.result.hits.map((hit) => (
            <SearchHit key={hit.chunkId} hit={hit} sourceName={sources.find((source) => source.id === hit.sourceId)?.name ?? null} />
          ))}
        </ol>
      )}
    </div>
  );
}

function RetrieverSummary({ query, result }: { query: string; result: KnowledgeSearchResult }): ReactNode {
  const { vector, lexical } = result.retrievers;
  return (
    <>
      {result.hits.length === 0 ? `Nothing found for “${query}”.` : `${result.hits.length} results for “${query}”.`} Vector: {vector.hits} hits in {Math.round(vector.durationMs)} ms;
      lexical: {lexical.hits} hits in {Math.round(lexical.durationMs)} ms.
    </>
  );
}

function SearchHit({ hit, sourceName }: { hit: KnowledgeSearchHit; sourceName: string | null }): ReactNode {
  return (
    <li className="search-hit" data-chunk-id={hit.chunkId}>
      <div className="hit-title">
        <strong>{hit.url === null ? hit.title : <a href={hit.url} target="_blank" rel="noreferrer noopener">{hit.title}</a>}</strong>
        {hit.heading !== null && <span className="muted"> › {hit.heading}</span>}
      </div>
      <blockquote>{hit.text.length > 400 ? `${hit.text.slice(0, 400)}…` : hit.text}</blockquote>
      <dl className="hit-provenance">
        {sourceName !== null && (
          <>
            <dt>Source</dt>
            <dd>{sourceName}</dd>
          </>
        )}
        {hit.url !== null && (
          <>
            <dt>URL</dt>
            <dd className="break">{hit.url}</dd>
          </>
        )}
        <dt>Updated</dt>
        <dd>
          <time dateTime={hit.updatedAt}>{formatDateTime(hit.updatedAt)}</time>
        </dd>
        <dt>Fused score</dt>
        <dd className="score">{hit.score.toFixed(4)}</dd>
        <dt>Vector</dt>
        <dd className="score">{hit.retrievers.vector === undefined ? 'not found' : `rank ${hit.retrievers.vector.rank}, score ${hit.retrievers.vector.score.toFixed(3)}`}</dd>
        <dt>Lexical</dt>
        <dd className="score">{hit.retrievers.lexical === undefined ? 'not found' : `rank ${hit.retrievers.lexical.rank}, score ${hit.retrievers.lexical.score.toFixed(3)}`}</dd>
      </dl>
    </li>
  );
}
