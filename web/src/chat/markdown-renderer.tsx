/**
 * Renders model and reviewer text as Markdown, safely: raw HTML is dropped (never parsed), and
 * react-markdown's URL filter turns `javascript:` and other unsafe links into nothing. Numbered markers
 * (`[1]`) of known citations become buttons that open the cited passage. The Markdown stack is a third of
 * the app's JavaScript, so this module is loaded lazily through `safe-markdown.tsx`.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CITATION_HREF, linkCitations, type SafeMarkdownProps } from './markdown-citations';

interface CitationContextValue {
  onCitation?: (index: number) => void;
  openCitation: number | null;
  idPrefix: string;
}
const CitationContext = createContext<CitationContextValue>({ openCitation: null, idPrefix: 'passage' });

function CitationMarker({ index, children }: { index: number; children: ReactNode }): ReactNode {
  const { onCitation, openCitation, idPrefix } = useContext(CitationContext);
  return (
    <button
      type="button"
      className="citation-marker"
      aria-label={`Source ${index}`}
      aria-expanded={openCitation === index}
      aria-controls={`${idPrefix}-${index}`}
      onClick={() => onCitation?.(index)}
    >
      {children}
    </button>
  );
}

/** Stable across renders, so markers keep their identity (and focus) while the answer re-renders. */
const components: Components = {
  a({ href, children }) {
    if (href?.startsWith(CITATION_HREF) === true) return <CitationMarker index={Number(href.slice(CITATION_HREF.length))}>{children}</CitationMarker>;
    if (href === undefined || href === '') return <span>{children}</span>;
    return (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    );
  },
  img({ alt }) {
    // Remote images would leak the reader's address to any host a model names: show the alt text.
    return <span className="image-alt">{alt ?? ''}</span>;
  },
};

const remarkPlugins = [remarkGfm];

export function MarkdownRenderer({ text, citationIndexes = [], onCitation, openCitation = null, idPrefix = 'passage' }: SafeMarkdownProps): ReactNode {
  const context = useMemo(() => ({ openCitation, idPrefix, ...(onCitation === undefined ? {} : { onCitation }) }), [openCitation, idPrefix, onCitation]);
  return (
    <CitationContext value={context}>
      <div className="markdown">
        <Markdown remarkPlugins={remarkPlugins} skipHtml components={components}>
          {linkCitations(text, citationIndexes)}
        </Markdown>
      </div>
    </CitationContext>
  );
}
