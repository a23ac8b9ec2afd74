/** The evidence of an escalation: the QA checks (or passages) it carries, or the turn's retrieval hits on request. */
import { useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Citation, Passage, QaCheck } from '../api/types';
import type { Escalation } from '../api/upcoming-types';
import { isSafeUrl } from '../chat/citation-sources';

interface EvidenceItem {
  key: string;
  title: string;
  text: string;
  url: string | null;
  score?: number;
}

/** Whatever shape an evidence entry has (QA check, citation, passage), one readable item, or null. */
export function evidenceItemOf(entry: unknown, position: number): EvidenceItem | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const value = entry as Partial<QaCheck & Citation & Passage>;
  if (typeof value.check === 'string') {
    const details = (value.evidence ?? []).map((evidence) => `${evidence.message}${evidence.excerpt ? `: “${evidence.excerpt}”` : ''}`);
    return { key: `check-${position}-${value.check}`, title: `${value.check} · ${value.verdict ?? ''}`, text: [value.detail ?? '', ...details].filter((line) => line !== '').join('\n'), url: null };
  }
  if (typeof value.snippet === 'string') return { key: `citation-${position}`, title: `[${value.index ?? position + 1}] ${value.title ?? ''}`, text: value.snippet, url: value.url ?? null };
  if (typeof value.text === 'string') return { key: `passage-${position}`, title: value.title ?? value.id ?? 'Passage', text: value.text, url: value.url ?? null, ...(typeof value.score === 'number' ? { score: value.score } : {}) };
  return null;
}

export function EvidenceList({ escalation }: { escalation: Escalation }): ReactNode {
  const [loaded, setLoaded] = useState<EvidenceItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const given = escalation.evidence?.map(evidenceItemOf).filter((item): item is EvidenceItem => item !== null) ?? [];

  const load = async (): Promise<void> => {
    try {
      const turn = await api.getTurn(escalation.conversationId, escalation.turnId);
      setLoaded(turn.retrievalHits.slice(0, 5).flatMap((hit, index) => evidenceItemOf(hit, index) ?? []));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not load the evidence');
    }
  };

  return (
    <section className="evidence" aria-label="Evidence">
      <h3>Evidence</h3>
      <EvidenceItems items={given} />
      {loaded === null ? (
        <button type="button" onClick={() => void load()}>
          Show the passages this turn retrieved
        </button>
      ) : loaded.length === 0 ? (
        <p className="muted">The turn retrieved no passages.</p>
      ) : (
        <EvidenceItems items={loaded} />
      )}
      {error !== null && <p className="error-text">{error}</p>}
    </section>
  );
}

function EvidenceItems({ items }: { items: EvidenceItem[] }): ReactNode {
  if (items.length === 0) return null;
  return (
    <ul>
      {items.map((item) => (
        <li key={item.key}>
          <strong>{item.title}</strong>
          {item.score !== undefined && <span className="muted"> · score {item.score.toFixed(3)}</span>}
          {item.text !== '' && <blockquote>{item.text.slice(0, 600)}</blockquote>}
          {isSafeUrl(item.url) && (
            <a href={item.url} target="_blank" rel="noopener noreferrer nofollow">
              Source
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}
