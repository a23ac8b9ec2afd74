/** The numbered sources of an answer; the open one shows the cited passage and links to the source. */
import { useEffect, useRef, type ReactNode } from 'react';
import type { Citation } from '../api/types';

export interface CitationSourcesProps {
  citations: Citation[];
  openIndex: number | null;
  onToggle: (index: number) => void;
  idPrefix: string;
}

export function CitationSources({ citations, openIndex, onToggle, idPrefix }: CitationSourcesProps): ReactNode {
  const openRef = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (openIndex !== null) openRef.current?.focus();
  }, [openIndex]);
  if (citations.length === 0) return null;
  return (
    <section className="sources" aria-label="Sources">
      <h3 className="sources-title">Sources</h3>
      <ol className="sources-list">
        {citations.map((citation) => {
          const open = openIndex === citation.index;
          return (
            <li key={citation.index} className="source">
              <button type="button" className="source-toggle" aria-expanded={open} aria-controls={`${idPrefix}-${citation.index}`} onClick={() => onToggle(citation.index)}>
                <span className="source-number">[{citation.index}]</span> {citation.title}
              </button>
              {open && (
                <div
                  id={`${idPrefix}-${citation.index}`}
                  ref={openRef}
                  className="passage"
                  role="region"
                  aria-label={`Passage cited as ${citation.index}`}
                  tabIndex={-1}
                  onKeyDown={(event) => {
                    if (event.key === 'Escape') onToggle(citation.index);
                  }}
                >
                  <blockquote className="passage-text">{citation.snippet}</blockquote>
                  {isSafeUrl(citation.url) ? (
                    <a href={citation.url} target="_blank" rel="noopener noreferrer nofollow">
                      Open source: {hostOf(citation.url)}
                    </a>
                  ) : (
                    <span className="muted">{citation.source} · {citation.documentId}</span>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Only http(s) links are followed: a stored source URL is data, not trusted markup. */
export function isSafeUrl(url: string | null): url is string {
  if (url === null) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function hostOf(url: string): string {
  return new URL(url).host;
}
